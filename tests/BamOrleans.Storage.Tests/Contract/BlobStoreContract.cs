using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Xunit.Abstractions;

namespace BamOrleans.Storage.Tests.Contract;

/// <summary>
/// What every <see cref="IBlobStore"/> promises, run against each implementation: round trips of
/// every size, all-or-nothing writes, optimistic concurrency, ordered listing, deletes.
/// Each test gets a fresh, empty store.
/// </summary>
public abstract class BlobStoreContract(ITestOutputHelper output) : IAsyncLifetime
{
    private IBlobStore? _store;

    protected IBlobStore Store => _store ?? throw new InvalidOperationException("store not created");

    /// <summary>A new, empty, ready store.</summary>
    protected abstract Task<IBlobStore> CreateStore();

    public async Task InitializeAsync() => _store = await CreateStore();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    protected Task<BlobInfo> Write(string name, byte[] data, BlobCondition? condition = null) =>
        Store.Write(name, new MemoryStream(data), condition);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task Small_contents_round_trip(int length)
    {
        var data = RandomBytes(length, length);
        var written = await Write("a/small.bin", data);
        Assert.Equal("a/small.bin", written.Name);
        Assert.Equal(length, written.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), written.Sha256);
        Assert.False(string.IsNullOrEmpty(written.ETag));

        var read = await Store.Read("a/small.bin");
        Assert.NotNull(read);
        Assert.Equal(data, read.Data);
        Assert.Equal(written.ETag, read.Info.ETag);
        Assert.Equal(written.Sha256, read.Info.Sha256);
        Assert.Equal(length, read.Info.Length);
    }

    [Fact]
    public async Task A_20_MiB_content_goes_up_in_blocks_and_round_trips_byte_for_byte()
    {
        var data = RandomBytes(20 << 20, 20);
        var clock = Stopwatch.StartNew();
        var written = await Write("runs/r1/checkpoints/000120/model.bin", data);
        clock.Stop();
        output.WriteLine($"{Store.Description}: wrote 20 MiB in {clock.Elapsed.TotalSeconds:F2} s ({20 / clock.Elapsed.TotalSeconds:F0} MiB/s)");
        Assert.Equal(data.Length, written.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), written.Sha256);

        var read = await Store.Read("runs/r1/checkpoints/000120/model.bin");
        Assert.NotNull(read);
        Assert.True(data.AsSpan().SequenceEqual(read.Data), "the bytes read differ from the bytes written");
        Assert.Equal(written.ETag, read.Info.ETag);
    }

    [Fact]
    public async Task Overwriting_replaces_the_content_and_changes_the_ETag()
    {
        var first = await Write("x", "first"u8.ToArray());
        var second = await Write("x", "second, longer"u8.ToArray());
        var third = await Write("x", "second, longer"u8.ToArray()); // same bytes: still a new version
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.NotEqual(second.ETag, third.ETag);
        var read = await Store.Read("x");
        Assert.Equal("second, longer", Encoding.UTF8.GetString(read!.Data));
        Assert.Equal(third.ETag, read.Info.ETag);
    }

    [Theory]
    [InlineData(1000, 500)] // fails within what would be a single request
    [InlineData(20 << 20, 10 << 20)] // fails after several staged blocks
    public async Task A_write_whose_source_fails_leaves_the_previous_content_and_no_partial_blob(int length, int failAfter)
    {
        var before = await Write("keep/me", "previous"u8.ToArray());
        await Assert.ThrowsAsync<IOException>(() => Store.Write("keep/me", new FailingStream(RandomBytes(length, 1), failAfter)));
        await Assert.ThrowsAsync<IOException>(() => Store.Write("keep/new", new FailingStream(RandomBytes(length, 2), failAfter)));

        var read = await Store.Read("keep/me");
        Assert.Equal("previous", Encoding.UTF8.GetString(read!.Data));
        Assert.Equal(before.ETag, read.Info.ETag);
        Assert.Null(await Store.Read("keep/new"));
        Assert.Null(await Store.GetInfo("keep/new"));
        Assert.Equal(["keep/me"], (await Store.List("")).Select(b => b.Name));
    }

    [Fact]
    public async Task MustNotExist_creates_once_and_then_fails()
    {
        var created = await Write("once", "1"u8.ToArray(), BlobCondition.MustNotExist);
        var failure = await Assert.ThrowsAsync<BlobConditionFailedException>(() => Write("once", "2"u8.ToArray(), BlobCondition.MustNotExist));
        Assert.Equal("once", failure.BlobName);
        var read = await Store.Read("once");
        Assert.Equal("1", Encoding.UTF8.GetString(read!.Data));
        Assert.Equal(created.ETag, read.Info.ETag);
    }

    [Fact]
    public async Task IfMatch_writes_only_over_the_version_it_names()
    {
        var v1 = await Write("cas", "v1"u8.ToArray());
        var v2 = await Write("cas", "v2"u8.ToArray(), BlobCondition.IfMatch(v1.ETag));
        await Assert.ThrowsAsync<BlobConditionFailedException>(() => Write("cas", "stale"u8.ToArray(), BlobCondition.IfMatch(v1.ETag)));
        await Assert.ThrowsAsync<BlobConditionFailedException>(() => Write("absent", "x"u8.ToArray(), BlobCondition.IfMatch(v1.ETag)));
        var read = await Store.Read("cas");
        Assert.Equal("v2", Encoding.UTF8.GetString(read!.Data));
        Assert.Equal(v2.ETag, read.Info.ETag);
        Assert.Null(await Store.GetInfo("absent"));
    }

    [Fact]
    public async Task Of_two_concurrent_conditional_writers_exactly_one_wins()
    {
        for (var round = 0; round < 5; round++)
        {
            var name = $"race/{round}";
            var start = await Write(name, "start"u8.ToArray());
            var results = await Task.WhenAll(
                Attempt(name, "A", BlobCondition.IfMatch(start.ETag)),
                Attempt(name, "B", BlobCondition.IfMatch(start.ETag)));
            var winner = Assert.Single(results, r => r is not null);
            var read = await Store.Read(name);
            Assert.Equal(winner!.Value.Content, Encoding.UTF8.GetString(read!.Data));
            Assert.Equal(winner.Value.ETag, read.Info.ETag);

            var fresh = await Task.WhenAll(
                Attempt($"{name}-new", "A", BlobCondition.MustNotExist),
                Attempt($"{name}-new", "B", BlobCondition.MustNotExist));
            Assert.Single(fresh, r => r is not null);
        }
    }

    private async Task<(string Content, string ETag)?> Attempt(string name, string content, BlobCondition condition)
    {
        await Task.Yield();
        try
        {
            return (content, (await Write(name, Encoding.UTF8.GetBytes(content), condition)).ETag);
        }
        catch (BlobConditionFailedException)
        {
            return null;
        }
    }

    [Fact]
    public async Task List_returns_the_names_with_the_prefix_in_ordinal_order()
    {
        string[] names = ["runs/r1/b", "runs/r1/a/2", "runs/r1/a/10", "runs/r1/A", "runs/r10/x", "runs/r2/z", "other"];
        foreach (var name in names) await Write(name, Encoding.UTF8.GetBytes(name));

        Assert.Equal(["runs/r1/A", "runs/r1/a/10", "runs/r1/a/2", "runs/r1/b"], (await Store.List("runs/r1/")).Select(b => b.Name));
        Assert.Equal(["runs/r1/A", "runs/r1/a/10", "runs/r1/a/2", "runs/r1/b", "runs/r10/x"], (await Store.List("runs/r1")).Select(b => b.Name));
        Assert.Equal(["runs/r1/a/10", "runs/r1/a/2"], (await Store.List("runs/r1/a/")).Select(b => b.Name));
        Assert.Equal(names.Order(StringComparer.Ordinal), (await Store.List("")).Select(b => b.Name));
        Assert.Empty(await Store.List("nothing/"));

        var listed = (await Store.List("runs/r2/")).Single();
        var info = await Store.GetInfo("runs/r2/z");
        Assert.Equal(info!.ETag, listed.ETag);
        Assert.Equal("runs/r2/z".Length, listed.Length);
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_says_whether_there_was_one()
    {
        await Write("d/one", [1, 2, 3]);
        Assert.True(await Store.Delete("d/one"));
        Assert.Null(await Store.Read("d/one"));
        Assert.False(await Store.Delete("d/one"));
        Assert.Empty(await Store.List("d/"));
    }

    [Fact]
    public async Task A_conditional_delete_removes_only_the_version_it_names()
    {
        var v1 = await Write("d/cas", [1]);
        var v2 = await Write("d/cas", [2]);
        var failure = await Assert.ThrowsAsync<BlobConditionFailedException>(() => Store.Delete("d/cas", v1.ETag));
        Assert.Equal("d/cas", failure.BlobName);
        Assert.NotNull(await Store.GetInfo("d/cas"));
        Assert.True(await Store.Delete("d/cas", v2.ETag));
        Assert.Null(await Store.GetInfo("d/cas"));
        Assert.False(await Store.Delete("d/cas", v2.ETag)); // gone: nothing to delete, whatever the ETag
    }

    [Fact]
    public async Task GetInfo_describes_the_current_version()
    {
        Assert.Null(await Store.GetInfo("info"));
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        var written = await Write("info", new byte[12345]);
        var info = await Store.GetInfo("info");
        Assert.NotNull(info);
        Assert.Equal("info", info.Name);
        Assert.Equal(12345, info.Length);
        Assert.Equal(written.ETag, info.ETag);
        Assert.InRange(info.LastModified, before, DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Names_with_slash_segments_dots_and_spaces_are_kept_apart()
    {
        string[] names = ["a", "a.b", "b/c/d", "b/c.d", "b/.hidden", "with space/ü-ß_%41"];
        foreach (var name in names) await Write(name, Encoding.UTF8.GetBytes(name));
        foreach (var name in names) Assert.Equal(name, Encoding.UTF8.GetString((await Store.Read(name))!.Data));
        Assert.Equal(names.Order(StringComparer.Ordinal), (await Store.List("")).Select(b => b.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/leading")]
    [InlineData("trailing/")]
    [InlineData("a//b")]
    [InlineData("a/../b")]
    [InlineData("..")]
    [InlineData("./a")]
    [InlineData("back\\slash")]
    [InlineData("x.bam-partial")]
    public async Task Invalid_names_are_refused_with_the_reason(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Write(name, [1]));
        Assert.Contains("blob name", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.Read(name));
        Assert.Empty(await Store.List(""));
    }
}
