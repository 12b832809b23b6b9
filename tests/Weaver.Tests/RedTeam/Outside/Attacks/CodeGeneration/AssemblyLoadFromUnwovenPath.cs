// outside: dependency _Deps/OutsidePrivateHelper.cs
using System;
using System.IO;
using System.Runtime.Loader;
using Kernel;

namespace OutsideRedTeam.CodeGeneration;

[Attack("AssemblyLoadContext.Default.LoadFromAssemblyPath of an unwoven helper (into the host's context), then its MakeRoot by reflection", Expect.Stopped)]
public sealed class AssemblyLoadFromUnwovenPath : IKernelModule
{
    public string Name => "AssemblyLoadFromUnwovenPath";

    public void Init(KernelApi kernel)
    {
        string? directory = null;
        foreach (var argument in Environment.GetCommandLineArgs())
            if (argument.EndsWith("AssemblyLoadFromUnwovenPath.dll", StringComparison.Ordinal)) directory = Path.GetDirectoryName(argument);
        var helper = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.Combine(directory!, "OutsidePrivateHelper.dll"));
        helper.GetType("OutsidePrivateHelper.Poker")!.GetMethod("MakeRoot")!.Invoke(null, new object[] { kernel.CurrentTask.Cred });
    }

    public void Exit() { }
}
