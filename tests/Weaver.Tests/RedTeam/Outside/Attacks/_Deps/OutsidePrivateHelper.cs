// A private dependency of Identity/UnwovenPrivateDependency: compiled, never woven, placed beside the woven module.
namespace OutsidePrivateHelper;

public static class Poker
{
    public static void MakeRoot(Kernel.Credentials cred)
    {
        cred.Uid = 0;
        cred.Euid = 0;
        cred.Capabilities = ulong.MaxValue;
    }
}
