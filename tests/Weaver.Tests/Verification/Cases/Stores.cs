// A module whose stores the tamper tests edit after weaving (tests/Weaver.Tests/Verification/TamperTests.cs).
using System;

namespace Tamper;

public sealed class Counter
{
    public int Value;
    public static int Total;
    public static int[] Slots = new int[8];

    public void Set(int value) => Value = value;

    public static void Add(int delta) => Total += delta;

    public static void Put(int i, int v) => Slots[i] = v;

    public static unsafe void Poke(int* p, int v) => *p = v;

    // Two stores behind one condition: a branch lands right after the first store's guard sequence.
    public static void Both(bool flag, int v)
    {
        if (flag) Total = v;
        Slots[0] = v;
    }
}
