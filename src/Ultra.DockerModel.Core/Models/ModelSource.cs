namespace Ultra.DockerModel
{
    /// <summary>Where Install-LocalModel gets a model from.</summary>
    public enum ModelSource
    {
        /// <summary>Docker Model Runner when it is available, else the registry into the module's store.</summary>
        Auto,
        /// <summary>Through Docker Model Runner (<c>docker model pull</c>), into Docker's store.</summary>
        DockerModelRunner,
        /// <summary>Straight from the model's OCI registry into the module's store, with no Docker.</summary>
        Registry,
    }
}
