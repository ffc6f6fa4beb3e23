using BamOrleans.Core.Distributed;
using static TorchSharp.torch;

namespace BamOrleans.Bench;

/// <summary>
/// Bytes one slot sends (up) and receives (down) per step, from <see cref="SlotTraffic.For"/>,
/// against the floor V·B·D each way, for the default shapes (B = 128 per slot, V = 4 with
/// G = 2, T = 2, D = 128, float32) and W = 1, 2, 3, 4, 8, with and without the EMA teacher.
/// Arithmetic only, no timing.
/// </summary>
internal static class TrafficTable
{
    private const int BatchPerSlot = 128;
    private const int Views = 4;
    private const int GlobalViews = 2;
    private const int TargetViews = 2;
    private const int Dim = 128;
    private static readonly int[] SlotCounts = [1, 2, 3, 4, 8];

    public static int Run(BenchArguments a)
    {
        Console.WriteLine($"Bytes per step per slot: B = {BatchPerSlot} per slot, V = {Views} (G = {GlobalViews}), T = {TargetViews}, D = {Dim}, float32; " +
                          "floor = V·B·D each way");
        var header = $"{"W",2} {"teacher",7} {"N",5} {"K",5} | {"up bytes",11} {"down bytes",11} {"floor bytes",11} | {"up/floor",8} {"down/floor",10}";
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        var rows = new List<object>();
        foreach (var ema in new[] { false, true })
        {
            foreach (var w in SlotCounts)
            {
                var layout = new SlotLayout(w, BatchPerSlot, Views, GlobalViews, TargetViews);
                var t = SlotTraffic.For(layout, Dim, ScalarType.Float32, ema);
                Console.WriteLine($"{w,2} {(ema ? "EMA" : "none"),7} {layout.GlobalRows,5} {layout.Columns,5} | " +
                                  $"{t.UpBytes,11:N0} {t.DownBytes,11:N0} {t.FloorBytes,11:N0} | {t.UpOverFloor,8:F3} {t.DownOverFloor,10:F3}");
                rows.Add(new
                {
                    slots = w, emaTeacher = ema, globalRows = layout.GlobalRows, columns = layout.Columns,
                    upBytes = t.UpBytes, downBytes = t.DownBytes, floorBytes = t.FloorBytes,
                    upOverFloor = t.UpOverFloor, downOverFloor = t.DownOverFloor,
                    embeddingsBytes = t.EmbeddingsBytes, columnGradientsBytes = t.ColumnGradientsBytes,
                    targetsBytes = t.TargetsBytes, ownColumnGradientsBytes = t.OwnColumnGradientsBytes,
                });
            }
        }
        Console.WriteLine("up = embeddings (V·B·D) + column gradients (K·D, none with EMA); down = C and log v (K·D + K) + own column gradients (T·B·D, none with EMA)");
        Console.WriteLine();
        BenchJson.Write(a.Out, new
        {
            mode = "traffic",
            config = new { batchPerSlot = BatchPerSlot, views = Views, globalViews = GlobalViews, targetViews = TargetViews, dim = Dim, dtype = "float32" },
            rows,
        });
        return 0;
    }
}
