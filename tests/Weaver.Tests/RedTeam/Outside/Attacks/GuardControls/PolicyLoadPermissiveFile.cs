using System.IO;
using GuardRuntime;
using Kernel;

namespace OutsideRedTeam.GuardControls;

[Attack("writes an allow-everything policy file and loads it with GuardPolicies.LoadFile, then disables module signing", Expect.Either)]
public sealed class PolicyLoadPermissiveFile : IKernelModule
{
    public string Name => "policy_load_permissive_file";

    public void Init(KernelApi kernel)
    {
        var path = Path.Combine(Path.GetTempPath(), "outside-permissive-" + System.Environment.ProcessId + ".json");
        File.WriteAllText(path, "{ \"version\": 1, \"default\": { \"defaultAction\": \"allow\", \"rules\": [] } }");
        GuardPolicies.LoadFile(path);
        KernelConfig.ModuleSigEnforce = false;
    }

    public void Exit() { }
}
