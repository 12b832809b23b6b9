// Delegates to framework members whose direct calls the weaver checks: invoked through the delegate, the call would
// run without its checks, so each is refused where the delegate is made (ldftn, and ldvirtftn for a virtual member).
// A delegate to a member that writes nothing stays allowed.
using System;
using System.IO;

namespace Delegates;

public static class Cases
{
    public static Action<Array, Array, int> CopyArrays() => Array.Copy;

    public static Func<byte[], int, int, int> ReadInto(Stream stream) => stream.Read;

    public static Action<Array> ClearArray() => Array.Clear;

    public static Func<string, int> Parse() => int.Parse;
}
