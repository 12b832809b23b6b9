namespace Weaver.Engine.Pipeline;

/// <summary>One step of the weaving pipeline (load, check, instrument, mark, write), in the manner of ILLink's steps.</summary>
public interface IWeaveStep
{
    /// <summary>
    /// Does the step's work on the shared context. A problem of the input that leaves the rest of the weave
    /// meaningful (a refusal) is added to the context as an error, and the pipeline goes on so that one run reports
    /// them all; a problem that does not (an unreadable image) throws <see cref="Diagnostics.WeaverException"/>.
    /// </summary>
    void Run(WeaveContext context);

    /// <summary>
    /// Whether the step produces output (marks or writes the module) and so runs only when no step reported an error.
    /// Analysis and rewriting steps run whatever came before, to find every problem of the input.
    /// </summary>
    bool ProducesOutput => false;
}
