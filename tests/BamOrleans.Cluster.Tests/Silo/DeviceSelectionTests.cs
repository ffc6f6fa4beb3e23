using BamOrleans.Silo;
using BamOrleans.Worker.Slots;

namespace BamOrleans.Cluster.Tests.Silo;

/// <summary>`bam-silo --device/--slots`: parsing, the slot-count rule, and the device of each slot.</summary>
public sealed class DeviceSelectionTests
{
    [Theory]
    [InlineData("auto", DeviceKind.Auto, 0)]
    [InlineData("cpu", DeviceKind.Cpu, 0)]
    [InlineData("CUDA", DeviceKind.Cuda, 0)]
    [InlineData("cuda:3", DeviceKind.CudaIndex, 3)]
    public void Device_requests_parse(string text, DeviceKind kind, int index)
    {
        Assert.Equal(new DeviceRequest(kind, index), DeviceRequest.Parse(text, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("mps")]
    public void Unknown_devices_are_refused_with_the_choices(string text)
    {
        Assert.Null(DeviceRequest.Parse(text, out var error));
        Assert.Contains($"--device {text}", error);
        Assert.Contains("auto, cpu, cuda", error);
    }

    [Theory]
    // auto: every visible GPU, one slot each; none visible: one CPU slot.
    [InlineData("auto", null, 0, "cpu")]
    [InlineData("auto", null, 2, "cuda:0,cuda:1")]
    [InlineData("auto", 1, 2, "cuda:0")]
    [InlineData("auto", 3, 0, "cpu,cpu,cpu")]
    // cpu: GPUs are ignored; slots share the cores.
    [InlineData("cpu", null, 4, "cpu")]
    [InlineData("cpu", 2, 4, "cpu,cpu")]
    [InlineData("cuda", null, 4, "cuda:0,cuda:1,cuda:2,cuda:3")]
    [InlineData("cuda", 2, 4, "cuda:0,cuda:1")]
    [InlineData("cuda:1", null, 2, "cuda:1")]
    public void Slots_follow_the_device_rule(string device, int? slots, int gpus, string expected)
    {
        var devices = SlotDevices.Resolve(DeviceRequest.Parse(device, out _)!, slots, gpus, out var errors);
        Assert.Empty(errors);
        Assert.Equal(expected, string.Join(",", devices!));
    }

    [Theory]
    [InlineData("cuda", null, 0, "no CUDA device is visible")]
    [InlineData("cuda:0", null, 0, "no CUDA device is visible")]
    [InlineData("cuda:2", null, 2, "only 2 CUDA device(s) are visible")]
    [InlineData("cuda", 3, 2, "use --slots 2 or fewer")]
    [InlineData("cuda:0", 2, 2, "one GPU trains one slot")]
    [InlineData("cpu", 0, 0, "--slots 0: must be ≥ 1")]
    public void Impossible_requests_name_the_problem_and_the_fix(string device, int? slots, int gpus, string expected)
    {
        Assert.Null(SlotDevices.Resolve(DeviceRequest.Parse(device, out _)!, slots, gpus, out var errors));
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Cuda_without_a_gpu_says_how_to_get_one()
    {
        SlotDevices.Resolve(new DeviceRequest(DeviceKind.Cuda), null, 0, out var errors);
        var error = Assert.Single(errors);
        Assert.Contains("CPU build (TorchSharp-cpu)", error);
        Assert.Contains("--build-arg TORCH=cuda", error);
        Assert.Contains("--device cpu", error);
    }

    [Fact]
    public void Slots_train_on_their_own_gpu_and_a_gpu_silo_refuses_more_slots_than_gpus()
    {
        IReadOnlyList<string> gpus = ["cuda:0", "cuda:1"];
        Assert.Equal("cuda:1", SlotDevices.ForSlot("127.0.0.1:11111@1#run-1/001", gpus, out _));
        Assert.Null(SlotDevices.ForSlot("127.0.0.1:11111@1#run-1/002", gpus, out var error));
        Assert.Contains("slotsPerSilo ≤ 2", error);
        // A CPU silo runs any number of slots on the CPU, as before devices could be chosen.
        Assert.Equal("cpu", SlotDevices.ForSlot("127.0.0.1:11111@1#run-1/005", [SlotDevices.Cpu], out error));
        Assert.Null(error);
    }

    private static (int Exit, BamSiloOptions? Options, string Errors) Parse(params string[] args)
    {
        BamSiloOptions? parsed = null;
        var errors = new StringWriter();
        var console = Console.Error;
        Console.SetError(errors);
        try
        {
            var exit = SiloCommand.Create(o => { parsed = o; return Task.FromResult(0); }).Parse(args).Invoke();
            return (exit, parsed, errors.ToString());
        }
        finally
        {
            Console.SetError(console);
        }
    }

    [Fact]
    public void The_command_line_defaults_to_auto_and_resolves_the_slots()
    {
        // This test process has TorchSharp-cpu: auto finds no GPU and gives one CPU slot.
        var (exit, options, _) = Parse();
        Assert.Equal(0, exit);
        Assert.Equal(DeviceRequest.Auto, options!.Device);
        Assert.Null(options.Slots);
        Assert.Equal(["cpu"], options.Worker.SlotDevices);

        (exit, options, _) = Parse("--device", "cpu", "--slots", "2");
        Assert.Equal(0, exit);
        Assert.Equal(["cpu", "cpu"], options!.Worker.SlotDevices);
    }

    [Fact]
    public void The_command_line_refuses_cuda_on_a_cpu_build()
    {
        var (exit, options, errors) = Parse("--device", "cuda");
        Assert.Equal(2, exit);
        Assert.Null(options);
        Assert.Contains("bam-silo: --device cuda: no CUDA device is visible", errors);

        (exit, _, _) = Parse("--device", "tpu");
        Assert.NotEqual(0, exit);
    }
}
