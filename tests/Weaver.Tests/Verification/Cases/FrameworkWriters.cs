// Calls to framework members the effect model checks by destination (framework-effects.txt): the weaver puts the
// call-check sequence before each, and the verifier requires exactly it.
using System;
using System.Runtime.InteropServices;

namespace Tamper;

public static class Writers
{
    public static void CopyArray(int[] source, int[] destination, int length) => Array.Copy(source, destination, length);

    public static void CopySpan(int[] source, int[] destination) => source.AsSpan().CopyTo(destination.AsSpan());

    public static void CopyToNative(byte[] source, IntPtr destination, int length) => Marshal.Copy(source, 0, destination, length);

    public static void ClearSpan(byte[] buffer) => buffer.AsSpan().Clear();

    public static int Read(int[] source) => source.Length; // a read: nothing to check, room for inserted attacks
}
