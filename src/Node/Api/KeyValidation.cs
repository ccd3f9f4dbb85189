// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.Node.Api;

/// <summary>Keys are UTF-8 strings of 1 to 1,024 bytes (API.md, "Model").</summary>
public static class KeyValidation
{
    public const int MaxKeyBytes = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryEncode(string? key, out byte[] bytes, out string error)
    {
        bytes = [];
        if (string.IsNullOrEmpty(key))
        {
            error = "The key must not be empty.";
            return false;
        }
        try
        {
            bytes = StrictUtf8.GetBytes(key);
        }
        catch (EncoderFallbackException)
        {
            error = "The key is not valid UTF-8.";
            return false;
        }
        if (bytes.Length > MaxKeyBytes)
        {
            error = $"The key is {bytes.Length} bytes long; the limit is {MaxKeyBytes}.";
            return false;
        }
        error = "";
        return true;
    }
}
