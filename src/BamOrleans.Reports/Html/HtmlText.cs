using System.Net;

namespace BamOrleans.Reports.Html;

/// <summary>Every piece of run data goes into the page through here: config documents, details
/// and names can hold anything, including markup.</summary>
internal static class HtmlText
{
    /// <summary>Escapes &lt; &gt; &amp; " and ', so the text is safe in element content and in
    /// quoted attribute values alike.</summary>
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");
}
