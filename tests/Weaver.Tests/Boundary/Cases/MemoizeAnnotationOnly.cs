// The one runtime member a module may name: the [Memoize] annotation.
[assembly: ExpectAccepted]
namespace Boundary;
public static class Module
{
    [KcrRuntime.Memoize] public static int Square(int x) => x * x;
}
