namespace Weaver.Engine.Pipeline;

/// <summary>One step of the weaving pipeline (load, check, instrument, mark, write), in the manner of ILLink's steps.</summary>
public interface IWeaveStep
{
    /// <summary>Does the step's work on the shared context; throws <see cref="Diagnostics.WeaverException"/> to stop the weave.</summary>
    void Run(WeaveContext context);
}
