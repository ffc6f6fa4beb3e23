// The commands log through Serilog's static Log.Logger, which each test points at its own output
// while `bam` runs; test classes running side by side would take each other's log events.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
