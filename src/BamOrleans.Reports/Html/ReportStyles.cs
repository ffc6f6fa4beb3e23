namespace BamOrleans.Reports.Html;

/// <summary>The page's only style sheet, inlined so the report is one file that opens anywhere,
/// offline, and can be mailed or attached to an issue as is.</summary>
internal static class ReportStyles
{
    public const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 2rem auto; max-width: 1040px; padding: 0 1rem; color: #222; line-height: 1.45; }
        h1 { margin-bottom: 0.2rem; }
        h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
        .meta { color: #666; margin-top: 0; }
        table { border-collapse: collapse; margin: 0.6rem 0; }
        th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
        th { background: #f4f4f4; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.failure td { background: #fde2e2; }
        tr.recovery td { background: #e0f3e4; }
        figure { margin: 1rem 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { color: #555; font-size: 0.92rem; }
        .note { color: #7a5a00; background: #fff6d6; padding: 0.4rem 0.7rem; border-left: 3px solid #e0b000; }
        .survived { font-size: 1.05rem; }
        pre.config { background: #f7f7f7; border: 1px solid #ddd; padding: 0.8rem; overflow-x: auto; font-size: 0.85rem; }
        """;
}
