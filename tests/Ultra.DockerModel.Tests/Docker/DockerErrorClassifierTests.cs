using Xunit;

namespace Ultra.DockerModel.Tests.Docker
{
    public class DockerErrorClassifierTests
    {
        private const string NotRunning = "Docker Model Runner is not running. Please start it and try again.\n\n\u001b[1m\nWhat's next:\u001b[0m\n    Enable Docker Model Runner via the CLI \u2192 docker desktop enable model-runner\n";

        [Theory]
        [InlineData("docker: 'model' is not a docker command.\nSee 'docker --help'", ErrorKind.PluginMissing)]
        [InlineData("docker: unknown command: docker model\n\nRun 'docker --help' for more information", ErrorKind.PluginMissing)]
        [InlineData("unknown flag: --json\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n\nRun 'docker --help' for more information", ErrorKind.PluginMissing)]
        [InlineData(NotRunning, ErrorKind.RunnerNotRunning)]
        [InlineData("Failed to list models: error querying /models: Get \"http://localhost:12434/models\": dial tcp 127.0.0.1:12434: connect: connection refused", ErrorKind.RunnerUnreachable)]
        [InlineData("Failed to get model ai/x: ai/x: model not found", ErrorKind.ModelNotFound)]
        [InlineData("Failed to remove model: no such model: ai/x", ErrorKind.ModelNotFound)]
        [InlineData("Failed to pull model: pulling ai/nope failed with status 404 Not Found: Model not found", ErrorKind.ModelNotFound)]
        [InlineData("Failed to pull model: pulling llama3.2 failed with status 500 Internal Server Error: error while pulling model: TLS handshake timeout", ErrorKind.PullFailed)]
        [InlineData("Failed to generate a response: error response: status=500 body=unable to load runner: error waiting for runner to be ready: llama.cpp terminated unexpectedly: llama.cpp failed: not enough GPU memory to load the model (CUDA)", ErrorKind.OutOfMemory)]
        [InlineData("Failed to generate a response: error response: status=400 body={\"error\":{\"code\":400,\"message\":\"request (4139 tokens) exceeds the available context size (4096 tokens), try increasing it\",\"type\":\"exceed_context_size_error\"}}", ErrorKind.ContextTooLong)]
        [InlineData("Failed to generate a response: error response: status=429 body={\"error\":{\"code\":429,\"message\":\"Rate limit exceeded, retry later\"}}", ErrorKind.RateLimited)]
        [InlineData("Failed to generate a response: error response: status=500 body={\"error\":{\"code\":500,\"message\":\"Internal server error\"}}", ErrorKind.ServerError)]
        [InlineData("Failed to load model: preload failed: status=502 body=bad gateway", ErrorKind.ServerError)]
        [InlineData("Failed to generate a response: error response: status=401 body={\"error\":{\"code\":401,\"message\":\"Invalid API Key\"}}", ErrorKind.AuthenticationFailed)]
        [InlineData("Failed to generate a response: error response: status=404 body=error while getting model: get model '\"ai/x\"': model not found", ErrorKind.ModelNotFound)]
        [InlineData("Failed to remove model: removing ai/x failed with status 409 Conflict: unable to delete \"ai/x\" (must be forced) due to multiple tag references: resource conflict", ErrorKind.InvalidInvocation)]
        [InlineData("unknown flag: --bogus\n\nUsage:  docker model list [OPTIONS] [MODEL]", ErrorKind.InvalidInvocation)]
        [InlineData("something nobody expected", ErrorKind.Unknown)]
        public void Stderr_is_classified(string stderr, ErrorKind kind)
        {
            var e = DockerErrorClassifier.Classify(stderr, 1, "ai/x");
            Assert.Equal(kind, e.Kind);
            Assert.Equal(stderr, e.RawError);
            Assert.Equal(1, e.ExitCode);
            Assert.False(e.Message.Contains('\u001b'), "ANSI codes must not reach the message");
        }

        [Fact]
        public void The_not_running_message_says_how_to_enable_the_runner()
        {
            var e = DockerErrorClassifier.Classify(NotRunning, 1);
            Assert.IsType<RunnerNotRunningException>(e);
            Assert.Contains("docker desktop enable model-runner", e.Message);
            Assert.True(e.IsUnavailable);
        }
    }
}
