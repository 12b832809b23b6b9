// A table of its own, filled with results of its choosing: the memoization ABI is the weaver's too.
[assembly: ExpectRefusal("WVR0007", "Boundary.Module::Plant", "KcrRuntime.MemoTable`2")]
namespace Boundary;
public static class Module
{
    public static void Plant()
    {
        var table = new KcrRuntime.MemoTable<KcrRuntime.MemoKey<int>, int>("Victim::Verify(System.Int32)", null);
        var slot = table.CreateSlot();
        var key = new KcrRuntime.MemoKey<int>(42);
        table.Lookup(slot, in key, out int _, out KcrRuntime.MemoMiss miss);
        table.Add(slot, in key, 1, in miss);
    }
}
