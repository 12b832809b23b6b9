using GuardRuntime;
using Kernel.Pci;

namespace Kernel;

/// <summary>
/// Interrupt lines and their handlers. Handlers run from <see cref="Service"/>, never from inside a device's register
/// write, so a driver is not re-entered in the middle of its own MMIO sequence (as with a real, deferred IRQ).
/// A handler that throws is contained: the line is disabled and a fault recorded.
/// </summary>
public sealed class InterruptController
{
    private readonly List<(PciDevice Device, IrqHandler Handler, string Owner)> lines = [];
    private readonly Action<ModuleFault> onFault;

    internal InterruptController(Action<ModuleFault> onFault) => this.onFault = onFault;

    /// <summary>Handled interrupts.</summary>
    public long Handled { get; private set; }

    /// <summary>Interrupts no handler claimed.</summary>
    public long Spurious { get; private set; }

    internal void Request(PciDevice device, IrqHandler handler, string owner)
    {
        if (lines.Exists(l => ReferenceEquals(l.Device, device))) throw new InvalidOperationException($"IRQ {device.Irq} busy.");
        lines.Add((device, handler, owner));
    }

    internal void Free(PciDevice device) => lines.RemoveAll(l => ReferenceEquals(l.Device, device));

    internal void RemoveOwned(Func<object?, bool> owned) => lines.RemoveAll(l => owned(l.Handler));

    /// <summary>Runs the handler of every asserted line once.</summary>
    public void Service()
    {
        for (int i = 0; i < lines.Count; i++)
        {
            var (device, handler, owner) = lines[i];
            if (device.InterruptSource is not { InterruptAsserted: true }) continue;
            try
            {
                using var scope = ModuleFaults.Scope();
                if (handler(device.Irq)) Handled++;
                else Spurious++;
            }
            catch (Exception e)
            {
                lines.RemoveAt(i--);
                onFault(new ModuleFault(owner, "irq", e.GetType().FullName ?? e.GetType().Name, e.Message));
            }
        }
    }
}
