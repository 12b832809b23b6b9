// A span formed over a raw pointer is a writable window: checked where it is formed (a span a module returns from
// IBufferWriter.GetSpan is written by the framework, not by a store of the module). Accepted: the check runs at run time.
[assembly: ExpectAccepted]
namespace Boundary;
public sealed unsafe class Writer : System.Buffers.IBufferWriter<byte>
{
    private readonly byte* window;
    public Writer(nint address) => window = (byte*)address;
    public void Advance(int count) { }
    public System.Memory<byte> GetMemory(int sizeHint = 0) => throw new System.NotSupportedException();
    public System.Span<byte> GetSpan(int sizeHint = 0) => new System.Span<byte>(window, 64);
}
