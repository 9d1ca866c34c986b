using System.Collections.Generic;

namespace Ultra.DockerModel.Registry
{
    /// <summary>The media types of Docker's model artifacts (model-runner pkg/distribution/types/config.go, modelpack/types.go).</summary>
    public static class MediaTypes
    {
        public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
        public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
        public const string OciIndex = "application/vnd.oci.image.index.v1+json";
        public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

        public const string ModelConfigV01 = "application/vnd.docker.ai.model.config.v0.1+json";
        public const string ModelConfigV02 = "application/vnd.docker.ai.model.config.v0.2+json";
        public const string CncfModelConfig = "application/vnd.cncf.model.config.v1+json";

        public const string Gguf = "application/vnd.docker.ai.gguf.v3";
        public const string CncfGguf = "application/vnd.cncf.model.weight.v1.gguf";
        public const string License = "application/vnd.docker.ai.license";

        /// <summary>
        /// The manifest Accept list, OCI first: distribution registries answer 404 to a request whose Accept lacks the
        /// OCI manifest type. The index types are there so an index is recognised and refused with a clear error.
        /// </summary>
        public const string ManifestAccept = OciManifest + ", " + DockerManifest + ", " + OciIndex + ", " + DockerManifestList;

        /// <summary>Config types Docker Model Runner pulls (its checkCompat); anything else is not a model.</summary>
        public static readonly IReadOnlyCollection<string> ModelConfigs = new HashSet<string> { ModelConfigV01, ModelConfigV02, CncfModelConfig };

        public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

        public static bool IsGguf(string? mediaType) => mediaType is Gguf or CncfGguf;
    }
}
