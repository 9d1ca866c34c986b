using System;
using System.Linq;
using Xunit;

namespace Ultra.DockerModel.Tests.Docker
{
    public class DockerModelJsonTests
    {
        private const string Listing = @"[
    {
        ""id"": ""sha256:354bf30d0aa3af413d2aa5ae4f23c66d78980072d1e07a5b0d776e9606a2f0b9"",
        ""tags"": [
            ""ai/smollm2:latest""
        ],
        ""created"": 1742816981,
        ""config"": {
            ""format"": ""gguf"",
            ""quantization"": ""IQ2_XXS/Q4_K_M"",
            ""parameters"": ""361.82 M"",
            ""architecture"": ""llama"",
            ""size"": ""256.35 MiB"",
            ""context_size"": 8192
        }
    }
]
";

        [Fact]
        public void Listing_becomes_typed_models()
        {
            var m = Assert.Single(DockerModelJson.ParseModelList(Listing));
            Assert.Equal("ai/smollm2:latest", m.Name);
            Assert.Equal("354bf30d0aa3", m.ShortId);
            Assert.Equal(new DateTime(2025, 3, 24, 11, 49, 41, DateTimeKind.Utc), m.Created);
            Assert.Equal(268_802_458L, m.Size);
            Assert.Equal("IQ2_XXS/Q4_K_M", m.Quantization);
            Assert.Equal(8192, m.ContextSize);
        }

        [Theory]
        [InlineData("null\n")]
        [InlineData("[]\n")]
        [InlineData("")]
        public void Empty_forms_are_an_empty_list(string stdout) => Assert.Empty(DockerModelJson.ParseModelList(stdout));

        [Fact]
        public void Auto_install_noise_before_the_json_is_skipped()
        {
            string noisy = "Successfully pulled docker/model-runner:latest\nCreating model storage volume docker-model-runner-models...\nStarting model runner container docker-model-runner...\n" + Listing;
            Assert.Single(DockerModelJson.ParseModelList(noisy));
        }

        [Fact]
        public void Older_stores_with_unnormalized_tags_are_normalized()
        {
            string old = "[{\"id\":\"sha256:" + new string('a', 64) + "\",\"tags\":[\"ai/llama3.2\"],\"created\":1742916473,\"config\":{\"size\":\"1.87 GiB\"}}]";
            Assert.Equal("ai/llama3.2:latest", DockerModelJson.ParseModelList(old).Single().Name);
        }

        // Issue 10 item 10: the runner turns a CNCF ModelPack config into its own with the parameter count (paramSize)
        // as both "parameters" and "size" (pkg/inference/models/adapter.go normalizeConfig): the size is unknown.
        [Theory]
        [InlineData("0.6B")]
        [InlineData("8b")]
        [InlineData("1.5B")]
        [InlineData("512B")]
        public void A_CNCF_model_with_its_parameter_count_as_size_has_no_size(string paramSize)
        {
            string json = "[{\"id\":\"sha256:" + new string('c', 64) + "\",\"tags\":[\"ai/qwen3-cncf:0.6B\"],\"created\":1742916473," +
                "\"config\":{\"format\":\"safetensors\",\"parameters\":\"" + paramSize + "\",\"size\":\"" + paramSize + "\"}}]";
            var m = DockerModelJson.ParseModelList(json).Single();
            Assert.Null(m.Size);
            Assert.Equal(paramSize, m.Parameters);
        }

        [Fact]
        public void A_GGUF_model_keeps_its_size_next_to_its_parameter_count()
        {
            string json = "[{\"id\":\"sha256:" + new string('c', 64) + "\",\"tags\":[\"ai/x:latest\"],\"config\":{\"parameters\":\"361.82M\",\"size\":\"256.35MiB\"}}]";
            Assert.Equal(268_802_458L, DockerModelJson.ParseModelList(json).Single().Size);
        }

        [Fact]
        public void Status_json_in_the_current_and_older_schema()
        {
            var s = DockerModelJson.ParseStatus("{\"running\":true,\"backends\":{\"llama.cpp\":\"Running: llama.cpp\"},\"kind\":\"Docker Engine\",\"endpoint\":\"http://172.17.0.1:12434/v1/\",\"endpointHost\":\"http://127.0.0.1:12434/v1/\"}\n");
            Assert.True(s.Running);
            Assert.Equal("http://127.0.0.1:12434/v1/", s.EndpointHost);
            Assert.Equal("Running: llama.cpp", s.Backends["llama.cpp"]);
            var old = DockerModelJson.ParseStatus("{\"running\":false,\"backends\":null,\"endpoint\":\"http://model-runner.docker.internal/engines/v1/\"}");
            Assert.False(old.Running);
            Assert.Null(old.Kind);
            Assert.Empty(old.Backends);
        }
    }
}
