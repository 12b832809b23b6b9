// A module type deriving from a host type.
[assembly: ExpectRefusal("WVR0007", "GuardRuntime.GuardViolationException")]
namespace Boundary;
public sealed class Forged(GuardRuntime.GuardViolation v) : GuardRuntime.GuardViolationException(v) { }
