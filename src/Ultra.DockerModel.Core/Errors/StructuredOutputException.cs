namespace Ultra.DockerModel
{
    /// <summary>
    /// The answer was not JSON of the asked shape, even after the retries: <see cref="DockerModelException.RawError"/>
    /// holds the model's last answer, unaltered, and <see cref="Problem"/> what was wrong with it.
    /// </summary>
    public sealed class StructuredOutputException : DockerModelException
    {
        public StructuredOutputException(string? model, string provider, int tries, string problem, string rawText)
            : base(ErrorKind.SchemaMismatch,
                $"Provider '{provider}' (model {model}) did not answer with JSON of the asked shape in {tries} tr{(tries == 1 ? "y" : "ies")}: {problem}. " +
                "The answer is in this error's Exception.RawError. Try a larger model, a simpler schema, or more retries (-SchemaRetryCount).",
                rawText)
        {
            Model = model;
            Problem = problem;
        }

        public string Problem { get; }
    }
}
