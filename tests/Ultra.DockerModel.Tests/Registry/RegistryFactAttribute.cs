using RegistryKit;
using Xunit;

namespace Ultra.DockerModel.Tests.Registry;

/// <summary>A fact that needs Debian's docker-registry: reported as skipped, with the reason, where it is not installed.</summary>
public sealed class RegistryFactAttribute : FactAttribute
{
    public RegistryFactAttribute()
    {
        if (LocalRegistry.SkipReason is string reason) Skip = reason;
    }

    /// <summary>The case fills a disk on purpose by writing to /dev/full (Linux).</summary>
    public bool NeedsDevFull
    {
        get => false;
        set { if (value && Skip is null && !System.IO.File.Exists("/dev/full")) Skip = "/dev/full is not available (Linux only)"; }
    }
}
