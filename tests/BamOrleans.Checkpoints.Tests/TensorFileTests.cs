using System.Buffers.Binary;
using System.IO.Hashing;

namespace BamOrleans.Checkpoints.Tests;

public class TensorFileTests
{
    private const string Blob = "runs/r1/checkpoints/000000000004/model.bin";

    private static HostTensor[] Sample() =>
    [
        new("weight", TensorDType.Float32, [2, 3], BitConverter.GetBytes(1.5f).Concat(new byte[20]).ToArray()),
        new("double", TensorDType.Float64, [2], BitConverter.GetBytes(Math.PI).Concat(BitConverter.GetBytes(-0.0)).ToArray()),
        new("num_batches_tracked", TensorDType.Int64, [], BitConverter.GetBytes(long.MaxValue)),
        new("empty", TensorDType.Float32, [0, 4], []),
    ];

    [Fact]
    public void Every_dtype_scalars_and_empty_tensors_round_trip_byte_for_byte()
    {
        var written = Sample();
        var read = TensorFile.Read(TensorFile.Write(written), Blob);

        Assert.Equal(written.Length, read.Count);
        for (var i = 0; i < written.Length; i++)
        {
            Assert.Equal(written[i].Name, read[i].Name);
            Assert.Equal(written[i].DType, read[i].DType);
            Assert.Equal(written[i].Shape, read[i].Shape);
            Assert.Equal(written[i].Data, read[i].Data);
        }
    }

    [Fact]
    public void Every_truncation_is_refused_naming_the_blob()
    {
        var file = TensorFile.Write(Sample());
        for (var length = 0; length < file.Length; length++)
        {
            var e = Assert.Throws<CorruptCheckpointException>(() => TensorFile.Read(file.AsSpan(0, length), Blob));
            Assert.Equal(Blob, e.BlobName);
            Assert.Contains(Blob, e.Message);
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_refused_naming_the_blob()
    {
        var file = TensorFile.Write(Sample());
        for (var i = 0; i < file.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])file.Clone();
                damaged[i] ^= (byte)(1 << bit);
                var e = Assert.Throws<CorruptCheckpointException>(() => TensorFile.Read(damaged, Blob));
                Assert.Equal(Blob, e.BlobName);
            }
        }
    }

    [Fact]
    public void A_flip_in_tensor_data_is_reported_as_a_checksum_mismatch()
    {
        var file = TensorFile.Write(Sample());
        file[52] ^= 0x10; // inside the first tensor's data (it starts at byte 50)

        var e = Assert.Throws<CorruptCheckpointException>(() => TensorFile.Read(file, Blob));
        Assert.Contains("checksum", e.Reason);
    }

    [Fact]
    public void Truncation_inside_an_entry_names_the_entry()
    {
        var file = TensorFile.Write(Sample());
        // Entry 0 ('weight') ends at byte 74; cut inside the shape of entry 1.
        var e = Assert.Throws<CorruptCheckpointException>(() => TensorFile.Read(file.AsSpan(0, 100), Blob));
        Assert.Contains("'double'", e.Reason);
        Assert.Contains("truncated", e.Reason);
    }

    [Fact]
    public void Magic_version_and_dtype_are_checked_by_name()
    {
        var file = TensorFile.Write(Sample());

        var notTensors = (byte[])file.Clone();
        notTensors[0] = (byte)'X';
        Assert.Contains("magic", Assert.Throws<CorruptCheckpointException>(() => TensorFile.Read(notTensors, Blob)).Reason);

        var newer = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(newer.AsSpan(8), 99);
        Assert.Contains("version 99", Assert.Throws<CorruptCheckpointException>(() => TensorFile.Read(newer, Blob)).Reason);

        // An unknown dtype with a valid checksum: the structure check, not the checksum, must catch it.
        var unknownDtype = (byte[])file.Clone();
        unknownDtype[16 + 2 + "weight".Length] = 42;
        Rehash(unknownDtype);
        Assert.Contains("unknown dtype code 42", Assert.Throws<CorruptCheckpointException>(() => TensorFile.Read(unknownDtype, Blob)).Reason);
    }

    [Fact]
    public void A_huge_declared_dimension_is_refused_without_allocating()
    {
        var file = TensorFile.Write(Sample());
        // First entry: 16 header + 2 + 6 name + 1 dtype + 1 rank, then its first dimension.
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(26), long.MaxValue / 2);
        Rehash(file);
        var e = Assert.Throws<CorruptCheckpointException>(() => TensorFile.Read(file, Blob));
        Assert.Contains("'weight'", e.Reason);
    }

    [Fact]
    public void The_writer_refuses_data_that_does_not_match_the_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => TensorFile.Write([new HostTensor("w", TensorDType.Float32, [3], new byte[8])]));
        Assert.Contains("'w'", e.Message);
    }

    private static void Rehash(byte[] file) =>
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(file.Length - 8), XxHash3.HashToUInt64(file.AsSpan(0, file.Length - 8)));
}
