namespace ModelRunnerStandIn;

/// <summary>One pullable model artifact (one digest). Values follow the Hub model cards (reference section 9).</summary>
public sealed record Artifact(
    string Id,
    long Created,
    string Quantization,
    string Parameters,
    string Architecture,
    string Size,
    long ModelBytes,
    string LayerDigest,
    long LicenseBytes,
    IReadOnlyDictionary<string, string>? Gguf = null)
{
    public string Format => "gguf";
    public long TotalBytes => ModelBytes + LicenseBytes;
    public string ShortId => Id[7..19];
}

/// <summary>The registry the stand-in "pulls" from, keyed by normalized tag.</summary>
public static class Catalog
{
    public const string LicenseDigest = "sha256:cc1d3b0234846714b0aeda6cc34b057b4305bb83dd447fb88f816efeb59a4e96";

    private static readonly Artifact SmolLm2 = new(
        "sha256:354bf30d0aa3af413d2aa5ae4f23c66d78980072d1e07a5b0d776e9606a2f0b9", 1742816981,
        "IQ2_XXS/Q4_K_M", "361.82 M", "llama", "256.35 MiB", 268_803_686,
        "sha256:72501aad34770cd111fd9dd551286556a6c01400bedae36995c1ac6fe70feada", 1_795_834);

    private static readonly Artifact SmolLm2Small = new(
        "sha256:eba11bf8f361e2477be45d937dc3bc4997d4e3306f91268ff8c3a2d83ccb38dd", 1746057600,
        "Q2_K", "134.52 M", "llama", "82.41 MiB", 86_413_148,
        "sha256:71cd170c5761900cac01b6994202ef54b72d04d521abd1dc995293e7bf8f36f1", 11_357);

    // Carries GGUF metadata so the CONTEXT column and the optional `gguf` map get exercised.
    private static readonly Artifact Llama32 = new(
        "sha256:436bb282b41968a83638482999980267ca8d7e8b5574604460efa9efff11cf59", 1742916473,
        "IQ2_XXS/Q4_K_M", "3.21 B", "llama", "1.87 GiB", 2_007_897_211,
        "sha256:7a77ec15e1028f26b4ebbd283cfe1d230665700c094174bc36f1a432f2404093", 11_357,
        new Dictionary<string, string>
        {
            ["general.architecture"] = "llama",
            ["general.name"] = "Llama 3.2 3B Instruct",
            ["llama.block_count"] = "28",
            ["llama.context_length"] = "131072",
            ["llama.embedding_length"] = "3072",
        });

    private static readonly Artifact Qwen25 = new(
        "sha256:5f5e975ce4e39792fd881ca7d86f33675795dfd8de56cfe0cfe9f4477d960927", 1743465600,
        "IQ2_XXS/Q4_K_M", "7.62 B", "qwen2", "4.36 GiB", 4_681_514_353,
        "sha256:08892a55e8640e57c319b61399fccd1bbe1d3f7700f7f89fd9122dc7fe6ff6b8", 11_357);

    private static readonly Artifact Qwen25Small = new(
        "sha256:3e1aad67b4cc4c0a06cdc91a376396ed56c3c471579d463a9e8a09b615c15d8a", 1746748800,
        "F16", "494.03 M", "qwen2", "942.43 MiB", 988_209_480,
        "sha256:c5a22105aa79d349b0413927461fa6a4a928e70b106002c7d0080af38f91e3f7", 11_357);

    private static readonly Artifact Gemma3 = new(
        "sha256:a353a8898c9d9f39d6a2bdfa0d484e667f5f7d2983d6797f940549b1014af071", 1759881600,
        "MOSTLY_Q4_K_M", "3.88 B", "gemma3", "2.31 GiB", 2_480_343_613,
        "sha256:8d0529bc3578d6bae7a22cb96b78b63744b6bda762d35249a24819ff6eaafa4a", 11_357);

    private static readonly Artifact Mistral = new(
        "sha256:aa38360aae51407343377b750dffe0e1e5184aae75abfbed59659926695dccea", 1742860800,
        "IQ2_XXS/Q4_K_M", "7.25 B", "llama", "4.07 GiB", 4_370_129_224,
        "sha256:e81493feb04a2f9dd22f1835b93dd265e0e4b6ab3475c2719c0ac6c7de671596", 11_357);

    // An embedding model (the mxbai-embed-large card: 335M, F16), for Get-LlmEmbedding sessions.
    private static readonly Artifact MxbaiEmbedLarge = new(
        "sha256:7b1d2a5e5f0c4f3c9d7e8a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d", 1746144000,
        "F16", "334.09 M", "bert", "638.67 MiB", 669_695_616,
        "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0", 11_357);

    public static readonly IReadOnlyDictionary<string, Artifact> ByTag = new Dictionary<string, Artifact>
    {
        ["ai/smollm2:latest"] = SmolLm2,
        ["ai/smollm2:360M-Q4_K_M"] = SmolLm2,
        ["ai/smollm2:135M-Q2_K"] = SmolLm2Small,
        ["ai/llama3.2:latest"] = Llama32,
        ["ai/llama3.2:3B-Q4_K_M"] = Llama32,
        ["ai/qwen2.5:latest"] = Qwen25,
        ["ai/qwen2.5:7B-Q4_K_M"] = Qwen25,
        ["ai/qwen2.5:0.5B-F16"] = Qwen25Small,
        ["ai/gemma3:latest"] = Gemma3,
        ["ai/gemma3:4B-Q4_K_M"] = Gemma3,
        ["ai/gemma3:4B"] = Gemma3,
        ["ai/mistral:latest"] = Mistral,
        ["ai/mistral:7B-Q4_K_M"] = Mistral,
        ["ai/mxbai-embed-large:latest"] = MxbaiEmbedLarge,
        ["ai/mxbai-embed-large:335M-F16"] = MxbaiEmbedLarge,
    };

    public static readonly string[] DefaultInstalled = ["ai/smollm2:latest", "ai/llama3.2:latest"];
}
