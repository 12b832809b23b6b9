using System.Reflection;
using GuardRuntime.Abi;

namespace GuardRuntime.Tests;

/// <summary>The ABI descriptor names real members, and the guard ABI assembly exposes nothing it does not name.</summary>
public class AbiDescriptorTests
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    [Fact]
    public void Every_member_of_the_descriptor_resolves_in_its_ABI_assembly()
    {
        foreach (var member in AbiDescriptor.Members)
        {
            Assert.True(AbiDescriptor.AbiAssemblies.Contains(member.DeclaringType.Assembly.GetName().Name!), member.TypeName);
            Assert.True(member.DeclaringType.IsPublic, member.TypeName + " is not public");
            if (member.Name is null) continue;
            var found = member.DeclaringType.GetMembers(Everything).Where(m => m.Name == member.Name).ToList();
            Assert.True(found.Count > 0, $"{member.TypeName}::{member.Name} does not exist");
        }
    }

    [Fact]
    public void The_guard_ABI_assembly_exposes_exactly_the_descriptor()
    {
        var named = AbiDescriptor.Members.Where(m => m.DeclaringType.Assembly == AbiDescriptor.GuardAbiAssembly)
            .Select(m => (m.TypeName, m.Name)).ToHashSet();
        foreach (var type in AbiDescriptor.GuardAbiAssembly.GetExportedTypes())
        {
            Assert.True(named.Contains((type.FullName!, null)), type.FullName + " is public but not in the ABI descriptor");
            foreach (var member in type.GetMembers(Everything))
            {
                // Inherited object members are not the ABI's own; abstract handles have no public constructor.
                if (member.DeclaringType != type) continue;
                Assert.True(named.Contains((type.FullName!, member.Name)), $"{type.FullName}::{member.Name} is public but not in the ABI descriptor");
            }
        }
    }

    [Fact]
    public void Runtime_assemblies_are_told_apart_by_identity()
    {
        Assert.Equal(["GuardRuntime.Abi", "KcrRuntime.Abi"], AbiDescriptor.AbiAssemblies.Order());
        Assert.Equal(["GuardRuntime", "KcrRuntime"], AbiDescriptor.HostAssemblies.Order());
        Assert.Equal(AbiRole.GuardCheck, AbiDescriptor.RoleOf("GuardRuntime.Abi", "GuardRuntime.Guard", "StoreField"));
        Assert.Null(AbiDescriptor.RoleOf("GuardRuntime", "GuardRuntime.Guard", "StoreField")); // same names, wrong assembly
        Assert.Null(AbiDescriptor.RoleOf("Evil", "GuardRuntime.Guard", "StoreField"));
        Assert.Null(AbiDescriptor.RoleOf("KcrRuntime.Abi", "KcrRuntime.MemoTable`1", "Invalidate"));
        Assert.Equal(AbiRole.Annotation, AbiDescriptor.RoleOf("KcrRuntime.Abi", "KcrRuntime.MemoizeAttribute", ".ctor"));
    }
}
