// Compiled into every boundary case: what the weaver must say about the case's assembly.
[System.AttributeUsage(System.AttributeTargets.Assembly)]
public sealed class ExpectRefusalAttribute(string code, params string[] mentions) : System.Attribute
{
    public string Code { get; } = code;
    public string[] Mentions { get; } = mentions;
}

[System.AttributeUsage(System.AttributeTargets.Assembly)]
public sealed class ExpectAcceptedAttribute : System.Attribute { }
