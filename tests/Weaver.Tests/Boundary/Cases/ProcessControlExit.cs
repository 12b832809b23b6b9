// Process-global controls are no memory a region could protect, and every module and the host share them.
[assembly: ExpectRefusal("WVR0010", "System.Environment::Exit", "System.Console::SetOut", "System.AppContext::SetSwitch")]
namespace Boundary;
public static class Module
{
    public static void Panic() => System.Environment.Exit(1);
    public static void Hijack() => System.Console.SetOut(System.IO.TextWriter.Null);
    public static void Flip() => System.AppContext.SetSwitch("System.Globalization.Invariant", true);
}
