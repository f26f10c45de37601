package io.unimllm.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body up to a limit; a larger one is a 413 (the rest is read and dropped, up to a bound). */
final class BodyReader {
    private BodyReader() {
    }

    /**
     * The body.
     *
     * @param in the request's input
     * @param declared the Content-Length, or -1 when not given
     * @param max the largest body accepted
     * @return the body's bytes
     * @throws ApiException 413 when the body is larger than {@code max}
     * @throws IOException when the client stops sending
     */
    static byte[] read(InputStream in, long declared, long max) throws IOException {
        if (declared > max) {
            drain(in, max);
            throw tooLarge(declared + " bytes", max);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 1024), max));
        byte[] buf = new byte[16384];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > max) {
                drain(in, max);
                throw tooLarge("more than " + max + " bytes", max);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * Reads and drops up to 4 times the limit, so that a client still sending gets the 413 instead of a reset
     * connection; past that the connection is closed.
     */
    private static void drain(InputStream in, long max) throws IOException {
        long bound = max * 4;
        byte[] buf = new byte[16384];
        long total = 0;
        int n;
        while (total < bound && (n = in.read(buf)) > 0) {
            total += n;
        }
    }

    private static ApiException tooLarge(String size, long max) {
        return new ApiException(413, ApiException.INVALID_REQUEST, null, "request_too_large",
                "the request body has " + size + ", more than this server's limit of " + max + " bytes");
    }
}
