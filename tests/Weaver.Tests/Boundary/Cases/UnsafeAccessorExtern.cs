// An [UnsafeAccessor] extern reaches a private field of a framework (or host) type: no body, nothing to guard.
[assembly: ExpectRefusal("WVR0010", "UnsafeAccessor", "Boundary.Module::Items")]
namespace Boundary;
public static class Module
{
    [System.Runtime.CompilerServices.UnsafeAccessor(System.Runtime.CompilerServices.UnsafeAccessorKind.Field, Name = "_items")]
    public static extern ref int[] Items(System.Collections.Generic.List<int> list);
}
