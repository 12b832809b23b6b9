// outside: dependency _Deps/OutsidePrivateHelper.cs
using System;
using System.IO;
using System.Reflection;
using Kernel;

namespace OutsideRedTeam.CodeGeneration;

[Attack("Assembly.Load of the bytes of an unwoven helper shipped beside the module (never referenced, so never verified at load), then its MakeRoot by reflection", Expect.Stopped)]
public sealed class AssemblyLoadUnwovenBytes : IKernelModule
{
    public string Name => "AssemblyLoadUnwovenBytes";

    public void Init(KernelApi kernel)
    {
        string? directory = null;
        foreach (var argument in Environment.GetCommandLineArgs())
            if (argument.EndsWith("AssemblyLoadUnwovenBytes.dll", StringComparison.Ordinal)) directory = Path.GetDirectoryName(argument);
        var helper = Assembly.Load(File.ReadAllBytes(Path.Combine(directory!, "OutsidePrivateHelper.dll")));
        helper.GetType("OutsidePrivateHelper.Poker")!.GetMethod("MakeRoot")!.Invoke(null, new object[] { kernel.CurrentTask.Cred });
    }

    public void Exit() { }
}
