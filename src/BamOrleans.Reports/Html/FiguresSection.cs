using System.Globalization;
using System.Text;

namespace BamOrleans.Reports.Html;

/// <summary>The figures, each embedded as a data URI, and a note where the k-NN figure is missing.</summary>
internal static class FiguresSection
{
    public const string NoKnnNote = "No k-NN accuracy was recorded during this run, so there is no k-NN figure.";

    public static void Append(StringBuilder html, IReadOnlyList<ReportFigure> figures, bool knnMissing)
    {
        html.Append("<section id=\"figures\">\n<h2>Training</h2>\n");
        foreach (var figure in figures)
        {
            html.Append("<figure id=\"figure-").Append(HtmlText.Escape(Path.GetFileNameWithoutExtension(figure.FileName))).Append("\">\n")
                .Append("<img alt=\"").Append(HtmlText.Escape(figure.Alt))
                .Append("\" width=\"").Append(figure.Width.ToString(CultureInfo.InvariantCulture))
                .Append("\" height=\"").Append(figure.Height.ToString(CultureInfo.InvariantCulture))
                .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(figure.Png)).Append("\">\n")
                .Append("<figcaption>").Append(HtmlText.Escape(figure.Caption))
                .Append(" (").Append(HtmlText.Escape(figure.FileName)).Append(")</figcaption>\n</figure>\n");
        }
        if (knnMissing)
            html.Append("<p class=\"note\">").Append(HtmlText.Escape(NoKnnNote)).Append("</p>\n");
        html.Append("</section>\n");
    }
}
