using System.CommandLine;
using System.Text.Json;
using BamOrleans.Cli.Commands;
using SkiaSharp;

namespace BamOrleans.Cli.Tests;

/// <summary>`bam local --dataset folder`: a user's own JPEG/PNG folder, trained on and evaluated.</summary>
public class ImageFolderRunTests
{
    private static void WritePng(string path, SKColor color, int stripe)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(40, 40, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (var y = 0; y < 40; y++)
            for (var x = 0; x < 40; x++)
                bitmap.SetPixel(x, y, (y / 4 + stripe) % 3 == 0 ? color : SKColors.Black);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    [Fact]
    public void Trains_on_an_rgb_folder_and_evaluates_on_its_labelled_twin()
    {
        var root = Path.Combine(Path.GetTempPath(), "bam-folder-" + Guid.NewGuid().ToString("N"));
        try
        {
            for (var i = 0; i < 12; i++)
            {
                WritePng(Path.Combine(root, "images", "red", $"{i}.png"), SKColors.Red, i);
                WritePng(Path.Combine(root, "images", "blue", $"{i}.png"), SKColors.Blue, i);
            }
            var output = Path.Combine(root, "out");
            var command = new RootCommand { LocalCommand.Create() };
            var code = command.Parse(["local", "--dataset", "folder", "--data", Path.Combine(root, "images"),
                    "--eval-data", Path.Combine(root, "images"), "--image-size", "32", "--steps", "2", "--batch", "8",
                    "--threads", "1", "--out", output])
                .Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null });

            Assert.Equal(0, code);
            using var json = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(output, "metrics.json", SearchOption.AllDirectories).Single()));
            Assert.Equal(3, json.RootElement.GetProperty("config").GetProperty("encoder").GetProperty("inChannels").GetInt32());
            var pixels = json.RootElement.GetProperty("evaluation").GetProperty("representations").EnumerateArray().Last();
            Assert.Equal(1.0, pixels.GetProperty("knnTop1").GetDouble()); // red vs blue: raw pixels cannot miss
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
