namespace BamOrleans.Reports.Html;

/// <summary>A figure as the page embeds it: the very PNG bytes written to <paramref name="FileName"/>
/// beside the page, so the page and the files never disagree.</summary>
internal sealed record ReportFigure(string FileName, string Alt, string Caption, byte[] Png, int Width, int Height);
