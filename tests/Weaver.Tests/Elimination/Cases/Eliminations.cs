// The shapes whose stores lose their address check (or their whole guard), each beside the same shape that must keep
// it. Compiled in Release by EliminationTests, woven, verified and run woven and unwoven.
using System;
using System.Runtime.CompilerServices;

namespace Elim;

public struct Pt
{
    public int X;
    public int Y;
}

public sealed class Holder
{
    public Pt P;
    public Pt[] Points = new Pt[4];
}

public static unsafe class Cases
{
    public static readonly Holder Shared = new();

    // stack: a struct local written through ldloca; initobj of a local.
    public static int StackLocal(int v)
    {
        Pt p = default;
        p.X = v; // MARK:StackLocal
        p.Y = v + 1;
        return p.X * 10 + p.Y;
    }

    // keeps StoreAddress: the byref comes from the caller and may point anywhere (a protected range included).
    public static void ThroughRefParameter(ref Pt p, int v) => p.X = v; // MARK:RefParameter

    public static int IntoUnmanaged(nint memory, int v)
    {
        ThroughRefParameter(ref *(Pt*)memory, v);
        return ((Pt*)memory)->X;
    }

    // checked-at-formation: a ref local kept for several stores, formed once per iteration.
    public static int FillPoints(int count, int v)
    {
        var points = Shared.Points;
        int sum = 0;
        for (int i = 0; i < count; i++)
        {
            ref Pt r = ref points[i];
            r.X = v + i; // MARK:FormationLoop
            r.Y = v - i;
            sum += r.X + r.Y;
        }
        return sum;
    }

    // A protection registered between the formation and the store applies from the next formation
    // (docs/security-model.md); the callback is what a host would do with an object the module handed it.
    public static int ProtectBetween(Action<object> host, int v)
    {
        var points = Shared.Points;
        ref Pt r = ref points[0];
        r.X = v;
        host(points);
        r.Y = v; // formed before the protection: goes through
        ref Pt again = ref points[0];
        again.X = v + 1; // MARK:NextFormation
        again.Y = v + 1;
        return points[0].X;
    }

    // keeps StoreAddress: the pointer local's address is taken, so it can change behind the weaver's back.
    public static int AddressTakenPointer(nint memory, int v)
    {
        Pt local = default;
        Pt* p = &local;
        Pt** pp = &p;
        *pp = (Pt*)memory;
        p->X = v; // MARK:AddressTaken
        p->Y = v;
        return p->X;
    }

    // keeps StoreAddress: without localsinit a pointer local starts as stale stack contents.
    [SkipLocalsInit]
    public static int NoLocalsInit(nint memory, int v)
    {
        Pt* p = (Pt*)memory;
        p->X = v; // MARK:NoLocalsInit
        p->Y = v;
        return p->X + p->Y;
    }
}
