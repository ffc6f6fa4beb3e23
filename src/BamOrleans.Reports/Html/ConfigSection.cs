using System.Text;

namespace BamOrleans.Reports.Html;

/// <summary>The run's config document, verbatim but escaped, so the report says exactly how the run was made.</summary>
internal static class ConfigSection
{
    public static void Append(StringBuilder html, string configText)
    {
        html.Append("<section id=\"config\">\n<h2>Config</h2>\n");
        if (string.IsNullOrWhiteSpace(configText))
            html.Append("<p class=\"note\">The run's config document was not given.</p>\n");
        else
            html.Append("<pre class=\"config\">").Append(HtmlText.Escape(configText)).Append("</pre>\n");
        html.Append("</section>\n");
    }
}
