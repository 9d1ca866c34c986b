using System.Linq;
using Ultra.DockerModel.Providers;
using Xunit;

namespace Ultra.DockerModel.Tests.Providers
{
    /// <summary>Issue 10 items 16 and 17: the runner's auto-install preamble is skipped line by line, and nothing else is held.</summary>
    public class CliAnswerHeadTests
    {
        private const string Answer = "Note: the sky is blue.\n";
        private const string Digest = "sha256:0d4b3d5c25b2e4a0a0f7a5e5b5c4a6d1c3b2e8f9a0b1c2d3e4f5a6b7c8d9e0f1";

        public static readonly TheoryData<string, string> Preambles = new()
        {
            {
                "online (HEAD, docker's jsonmessage on a non-terminal)",
                "latest: Pulling from docker/model-runner\n" +
                "a2318d6c47ec: Pulling fs layer\n4f4fb700ef54: Pulling fs layer\n4f4fb700ef54: Waiting\n" +
                "a2318d6c47ec: Verifying Checksum\na2318d6c47ec: Download complete\na2318d6c47ec: Pull complete\n" +
                "4f4fb700ef54: Already exists\n4f4fb700ef54: Retrying in 5 seconds\n" +
                "Digest: " + Digest + "\nStatus: Downloaded newer image for docker/model-runner:latest\n" +
                "Successfully pulled docker/model-runner:latest\nCreating model storage volume docker-model-runner-models...\n" +
                "Warning: render group not found, skipping group addition\nStarting model runner container docker-model-runner...\n" +
                "Warning: failed to copy Docker config: open /root/.docker/config.json: no such file or directory\n"
            },
            {
                "online, image up to date, CUDA variant, a short digest",
                "latest-cuda: Pulling from docker/model-runner\nDigest: sha256:0d4b3d5c\n" +
                "Status: Image is up to date for docker/model-runner:latest-cuda\nSuccessfully pulled docker/model-runner:latest-cuda\n" +
                "Starting model runner container docker-model-runner...\n"
            },
            {
                "offline (the pull failed, a local image is used)",
                "Using local image docker/model-runner:latest\nCreating model storage volume docker-model-runner-models...\n" +
                "Warning: unexpected getent output format: \"render\"\n" +
                "[NOT FOUND] Ascend driver path does not exist, skipping: /usr/local/Ascend/driver\n" +
                "Starting model runner container docker-model-runner...\n"
            },
            {
                "model-cli v0.1.42 (\\r-separated layer lines, an empty line before Successfully pulled)",
                "\rlatest: Pulling from docker/model-runner \ra2318d6c47ec: Pulling fs layer " +
                "\ra2318d6c47ec: Downloading [==>                                                ]  1.049MB/24.62MB" +
                "\ra2318d6c47ec: Pull complete Digest: " + Digest + "\n" +
                "Status: Downloaded newer image for docker/model-runner:latest\n\nSuccessfully pulled docker/model-runner:latest\n" +
                "Creating model storage volume docker-model-runner-models...\nStarting model runner container docker-model-runner...\n"
            },
        };

        [Theory]
        [MemberData(nameof(Preambles))]
        public void The_whole_preamble_is_skipped_line_by_line(string form, string preamble)
        {
            var head = new CliAnswerHead(runnerKnownInstalled: false);
            string all = preamble + Answer;
            Assert.True(head.AnswerStart(all, atEnd: false) == preamble.Length, form);
            // However the bytes arrive, no prefix of the preamble is ever released as answer.
            for (int i = 1; i <= preamble.Length; i++)
            {
                int start = head.AnswerStart(all.Substring(0, i), atEnd: false);
                Assert.True(start == CliAnswerHead.Wait || start == i && preamble[i - 1] == '\n', $"{form}: released at {i} of {preamble.Length} ({start})");
            }
        }

        [Theory]
        [InlineData("Note")]
        [InlineData("Note:")]
        [InlineData("Note: ")]
        [InlineData("Note: Pulling from docker/")]
        [InlineData("a2318d6c47ec")]
        [InlineData("a2318d6c47ec: Pull")]
        [InlineData("Digest: sha256:0d4b")]
        [InlineData("Using local")]
        [InlineData("Unable to find")]
        public void Only_what_can_still_be_docker_output_is_held(string partial) =>
            Assert.Equal(CliAnswerHead.Wait, new CliAnswerHead(false).AnswerStart(partial, atEnd: false));

        // An image tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} and a layer id 12 hex digits: anything else is the answer at once.
        [Theory]
        [InlineData("Echo[2]")]
        [InlineData("Echo[2]: hi")]
        [InlineData("Note: the")]
        [InlineData("You ")]
        [InlineData("Hello, world")]
        [InlineData("a2318d6c47ec ")]
        [InlineData("a2318d6c47e: Pull complete")]
        [InlineData("Digest: the short version")]
        [InlineData("日本")]
        public void Anything_else_is_released_at_once(string partial) =>
            Assert.Equal(0, new CliAnswerHead(false).AnswerStart(partial, atEnd: false));

        [Fact]
        public void A_tag_longer_than_docker_allows_is_released() =>
            Assert.Equal(0, new CliAnswerHead(false).AnswerStart(new string('a', 129), atEnd: false));

        [Fact]
        public void Once_the_runner_is_known_installed_nothing_is_held_or_skipped()
        {
            var head = new CliAnswerHead(runnerKnownInstalled: true);
            Assert.Equal(0, head.AnswerStart("Note", atEnd: false));
            Assert.Equal(0, head.AnswerStart("a2318d6c47ec", atEnd: false));
            Assert.Equal(0, head.AnswerStart("Starting model runner container docker-model-runner...\nhi", atEnd: false));
            // The CLI's own auto-pull notice is still caught: the model, not the runner, went missing.
            Assert.Equal(CliAnswerHead.Wait, head.AnswerStart("Unable to", atEnd: false));
            Assert.Equal(CliAnswerHead.AutoPull, head.AnswerStart("Unable to find model 'ai/x' locally. Pulling from the server.\n", atEnd: false));
        }

        [Fact]
        public void At_the_end_a_held_partial_line_is_the_answer() =>
            Assert.Equal(0, new CliAnswerHead(false).AnswerStart("Note", atEnd: true));

        [Fact]
        public void An_empty_line_is_skipped_only_inside_the_preamble()
        {
            Assert.Equal(0, new CliAnswerHead(false).AnswerStart("\nhello world", atEnd: false));
            string preamble = "Status: Downloaded newer image for docker/model-runner:latest\n\n";
            Assert.Equal(preamble.Length, new CliAnswerHead(false).AnswerStart(preamble + "hello world", atEnd: false));
        }
    }
}
