// A table of its own, filled with results of its choosing: the memoization ABI is the weaver's too.
[assembly: ExpectRefusal("WVR0007", "Boundary.Module::Plant", "KcrRuntime.MemoTable`1")]
namespace Boundary;
public static class Module
{
    public static void Plant()
    {
        var table = new KcrRuntime.MemoTable<int>("Victim::Verify(System.Int32)", null);
        var key = new KcrRuntime.KeyBuilder(stackalloc byte[64], table);
        key.Add(42);
        table.Offer(ref key, 1);
    }
}
