using BamOrleans.Silo;
using BamOrleans.Silo.Processes;

namespace BamOrleans.Cluster.Tests.Silo;

/// <summary>Sets a process-wide variable that bam-silo's command line reads: runs alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

[Collection(nameof(ProcessEnvironment))]
public sealed class ChildSiloEnvironmentTests
{
    [Fact]
    public void Processes_we_start_do_not_inherit_the_redis_connection_variable()
    {
        var previous = Environment.GetEnvironmentVariable(BamSiloOptions.RedisConnectionVariable);
        try
        {
            // bam local --processes gives its silos their own redis-server on the command line; the
            // user's variable must not send them to another Redis.
            Environment.SetEnvironmentVariable(BamSiloOptions.RedisConnectionVariable, "elsewhere:6379");
            Assert.Contains(BamSiloOptions.RedisConnectionVariable, SiloProcess.NotInherited);
            using var child = ChildProcess.Start("env", "/usr/bin/env", [], unsetVariables: SiloProcess.NotInherited);
            Assert.True(child.WaitForExit(TimeSpan.FromSeconds(10)));
            // WaitForExit with a limit can return before the output has been read: wait for a line that is always there.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!child.Printed("PATH=") && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.True(child.Printed("PATH="));
            Assert.False(child.Printed(BamSiloOptions.RedisConnectionVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(BamSiloOptions.RedisConnectionVariable, previous);
        }
    }
}
