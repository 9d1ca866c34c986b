using System.Collections.Generic;

namespace Ultra.DockerModel.Settings
{
    /// <summary>What settings.json holds. No secrets: providers name the environment variable that holds their key.</summary>
    public sealed class ModuleSettings
    {
        public int Version { get; set; } = 1;
        public List<LlmProvider> Providers { get; set; } = new();
        /// <summary>Seconds an unavailable provider is skipped within a session.</summary>
        public int CooldownSec { get; set; } = 30;
        /// <summary>Let Invoke-LocalLlm pull a Docker model that is not installed.</summary>
        public bool AutoPull { get; set; }
        /// <summary>With -Model and no chain, run a model found in a store on disk in-process when Docker Model Runner cannot.</summary>
        public bool EmbeddedFallback { get; set; } = true;
        /// <summary>The embedded engine's context window: the model's own, capped at this many tokens.</summary>
        public int EmbeddedContextSize { get; set; } = 4096;
        /// <summary>CPU threads for the embedded engine; null for half the cores.</summary>
        public int? EmbeddedThreads { get; set; }
        /// <summary>Seconds a model the embedded engine loaded stays in memory unused.</summary>
        public int EmbeddedIdleSec { get; set; } = 300;
        /// <summary>Where Install-LocalModel -Source Registry keeps models (ULTRA_DOCKERMODEL_MODELS_PATH overrides it); null: the platform's data folder.</summary>
        public string? ModelStorePath { get; set; }
        /// <summary>Prompt templates by name (Set-LlmPromptTemplate, Invoke-LocalLlm -Template).</summary>
        public List<Templates.PromptTemplate> Templates { get; set; } = new();
        /// <summary>Use the response cache for calls that give the same answer twice (temperature 0 or a seed); -Cache always does.</summary>
        public bool ResponseCache { get; set; }
        /// <summary>The response cache's bound in MB; the least recently used answers go first.</summary>
        public int ResponseCacheMaxMB { get; set; } = 256;
        /// <summary>When each local model (normalized name) was last run and first seen, for Remove-LocalModel -Unused.</summary>
        public Dictionary<string, ModelUse> ModelUse { get; set; } = new();
    }
}
