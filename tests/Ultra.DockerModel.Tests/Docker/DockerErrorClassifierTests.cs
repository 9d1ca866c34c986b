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

        // Issue 10 item 11: the runner refusing the reference is a bad name, not a failed download.
        [Fact]
        public void A_pull_answered_400_Invalid_model_reference_is_InvalidModelName()
        {
            const string stderr = "Failed to pull model: pulling ai/x@sha256:abc failed with status 400 Bad Request: Invalid model reference";
            var e = DockerErrorClassifier.Classify(stderr, 1, "ai/x@sha256:abc");
            Assert.IsType<InvalidModelNameException>(e);
            Assert.Equal(ErrorKind.InvalidModelName, e.Kind);
            Assert.Contains("'ai/x@sha256:abc'", e.Message);
            Assert.Contains("Invalid model reference", e.Message);
            Assert.Equal(stderr, e.RawError);
            Assert.False(e.IsUnavailable);
        }

        // Issue 10 item 12: the runner answered; the registry behind it did not. Upstream's body: go-containerregistry's
        // UNKNOWN registry error around containerd's "failed to do request" and Go's network error.
        private const string RegistryPrefix = "Failed to pull model: pulling ai/llama3.2 failed with status 500 Internal Server Error: error while pulling model: " +
            "reading model from registry: failed to pull model \"ai/llama3.2:latest\": UNKNOWN - resolving docker.io/ai/llama3.2:latest: failed to do request: " +
            "Head \"https://registry-1.docker.io/v2/ai/llama3.2/manifests/latest\": ";

        [Theory]
        [InlineData("dial tcp: lookup registry-1.docker.io on 127.0.0.11:53: no such host")]
        [InlineData("dial tcp 44.208.254.194:443: i/o timeout")]
        [InlineData("dial tcp 127.0.0.1:5000: connect: connection refused")]
        [InlineData("net/http: TLS handshake timeout")]
        public void A_registry_the_runner_cannot_reach_is_PullFailed_about_the_network_not_the_runner(string cause)
        {
            var e = DockerErrorClassifier.Classify(RegistryPrefix + cause, 1, "ai/llama3.2");
            Assert.Equal(ErrorKind.PullFailed, e.Kind);
            Assert.Contains("could not reach the registry", e.Message);
            Assert.Contains(cause, e.Message);
            Assert.Contains("proxy", e.Message);
            Assert.DoesNotContain("MODEL_RUNNER_HOST", e.Message);
            Assert.False(e.IsUnavailable); // another provider cannot download it either
        }

        [Theory]
        [InlineData("Failed to pull model: download failed after 4 retries: error querying /models/create: Post \"http://localhost:12434/models/create\": dial tcp 127.0.0.1:12434: connect: connection refused")]
        [InlineData("Failed to pull model: pulling ai/smollm3 failed with status 404 Not Found: {\"message\":\"page not found\"}")]
        public void A_pull_the_runner_itself_did_not_answer_is_RunnerUnreachable(string stderr)
        {
            var e = DockerErrorClassifier.Classify(stderr, 1, "ai/x");
            Assert.Equal(ErrorKind.RunnerUnreachable, e.Kind);
            Assert.Contains("MODEL_RUNNER_HOST", e.Message);
        }

        // Issue 10 item 13: the runner answered, but the model did not load within its 5 minutes.
        [Fact]
        public void An_inference_backend_that_took_too_long_to_initialize_is_a_Timeout()
        {
            const string stderr = "Failed to generate a response: error response: status=500 body=unable to load runner: error waiting for runner to be ready: inference backend took too long to initialize";
            var e = DockerErrorClassifier.Classify(stderr, 1, "ai/x");
            Assert.Equal(ErrorKind.Timeout, e.Kind);
            Assert.Contains("'ai/x' did not finish loading", e.Message);
            Assert.DoesNotContain("could not be reached", e.Message);
            // The standalone runner container that never came up is still the runner being unreachable.
            Assert.Equal(ErrorKind.RunnerUnreachable, DockerErrorClassifier.Classify("standalone model runner took too long to initialize", 1).Kind);
        }
    }
}