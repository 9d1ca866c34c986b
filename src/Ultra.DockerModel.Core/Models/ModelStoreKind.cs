using System;

namespace Ultra.DockerModel
{
    /// <summary>Where a model lives; a model found in several places has several flags.</summary>
    [Flags]
    public enum ModelStoreKind
    {
        None = 0,
        /// <summary>Listed by a running Docker Model Runner (<c>docker model ls</c>).</summary>
        DockerModelRunner = 1,
        /// <summary>Docker's own store on disk (<c>$MODELS_PATH</c>, <c>~/.docker/models</c>, Docker Engine's volume): read only.</summary>
        DockerStore = 2,
        /// <summary>This module's store, filled by <c>Install-LocalModel -Source Registry</c>.</summary>
        ModuleStore = 4,
    }
}
