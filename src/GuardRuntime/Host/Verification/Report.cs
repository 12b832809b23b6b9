namespace GuardRuntime.Verification;

/// <summary>Collects every rejection of one module, naming the method being verified.</summary>
internal sealed class Report(string module)
{
    public readonly List<VerificationError> Errors = [];
    public string? Method;

    public void Module(string rule, string message) => Errors.Add(new(module, null, null, rule, message));

    public void At(int ilOffset, string rule, string message) => Errors.Add(new(module, Method, ilOffset, rule,
        message));

    public void InMethod(string rule, string message) => Errors.Add(new(module, Method, null, rule, message));
}
