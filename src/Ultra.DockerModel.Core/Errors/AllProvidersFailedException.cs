using System.Collections.Generic;
using System.Linq;

namespace Ultra.DockerModel
{
    /// <summary>Every provider of the chain was tried (or cooling down) and none answered; <see cref="Attempts"/> says why.</summary>
    public sealed class AllProvidersFailedException : DockerModelException
    {
        public AllProvidersFailedException(IReadOnlyList<LlmAttempt> attempts)
            : base(ErrorKind.AllProvidersFailed,
                "No provider could answer:" + string.Concat(attempts.Select(a => "\n  - " + a)))
        {
            Attempts = attempts;
        }

        public IReadOnlyList<LlmAttempt> Attempts { get; }
    }
}
