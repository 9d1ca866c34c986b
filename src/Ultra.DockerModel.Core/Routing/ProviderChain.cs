using System;
using System.Collections.Generic;

namespace Ultra.DockerModel.Routing
{
    /// <summary>The providers one call tries, in order, and what the router must know about them.</summary>
    public sealed class ProviderChain
    {
        public ProviderChain(IReadOnlyList<LlmProvider> providers, string? requestedModel = null, IReadOnlyList<string>? warnings = null,
            IReadOnlyList<string>? notes = null)
        {
            Providers = providers;
            RequestedModel = requestedModel;
            Warnings = warnings ?? Array.Empty<string>();
            Notes = notes ?? Array.Empty<string>();
        }

        public IReadOnlyList<LlmProvider> Providers { get; }

        /// <summary>
        /// The model the call named (-Model, or the model of the conversation it continues). When it is not there, no
        /// provider with another model may answer instead: the call ends with ModelNotFound.
        /// </summary>
        public string? RequestedModel { get; }

        /// <summary>What the caller should tell the user before the call (for example: the saved chain could not be read).</summary>
        public IReadOnlyList<string> Warnings { get; }

        /// <summary>Why the chain is what it is, for -Verbose (for example: no Docker here, so the embedded engine runs the model).</summary>
        public IReadOnlyList<string> Notes { get; }

        /// <summary>Whether <paramref name="provider"/> answers with the model the call named.</summary>
        public bool ServesRequestedModel(LlmProvider provider) => RequestedModel != null && provider.ServesModel(RequestedModel);
    }
}
