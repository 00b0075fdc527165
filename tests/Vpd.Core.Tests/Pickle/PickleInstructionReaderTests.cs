using System.Numerics;
using Vpd.Core.Pickle;

namespace Vpd.Core.Tests.Pickle;

public sealed class PickleInstructionReaderTests
{
    [Theory]
    [InlineData(new byte[] { 0x8a, 0x00 }, 0L)] // LONG1, no bytes: 0
    [InlineData(new byte[] { 0x8a, 0x01, 0x06 }, 6L)]
    [InlineData(new byte[] { 0x8a, 0x01, 0xff }, -1L)]
    [InlineData(new byte[] { 0x8a, 0x05, 0x00, 0x5e, 0xd0, 0xb2, 0x00 }, 3_000_000_000L)] // Python's pickle of 3e9
    [InlineData(new byte[] { 0x8b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x80 }, -32768L)] // LONG4
    [InlineData(new byte[] { (byte)'L', (byte)'4', (byte)'2', (byte)'L', (byte)'\n' }, 42L)] // protocol 0 LONG
    public void Read_IntegersThatFitALong_AreLongs(byte[] opcode, long expected)
    {
        var instruction = PickleInstructionReader.Read([.. opcode, PickleOp.Stop], "test.pkl").First();

        Assert.IsType<long>(instruction.Arg);
        Assert.Equal(expected, (long)instruction.Arg!);
    }

    [Fact]
    public void Read_Long1BeyondALong_IsABigInteger()
    {
        byte[] twoToThe64 = [0x8a, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, PickleOp.Stop];

        var instruction = PickleInstructionReader.Read(twoToThe64, "test.pkl").First();

        Assert.Equal(BigInteger.One << 64, Assert.IsType<BigInteger>(instruction.Arg));
    }
}
