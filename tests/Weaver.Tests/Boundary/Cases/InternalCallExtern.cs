// An extern method with the runtime's internal-call flag: native code, whatever it says it does.
[assembly: ExpectRefusal("WVR0010", "no IL body", "Boundary.Module::Poke")]
namespace Boundary;
public static class Module
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    public static extern void Poke(nint address, long value);
}
