// Reads a .mar the way TorchServe's frontend does (ZipUtils.unzip: java.util.zip.ZipInputStream,
// entry by entry) and prints "archive name size" per entry; exits non-zero if Java cannot read one.
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

public class ZipInputStreamCheck {
    public static void main(String[] args) throws Exception {
        byte[] buf = new byte[65536];
        for (String path : args) {
            try (InputStream in = new FileInputStream(path);
                    ZipInputStream zis = new ZipInputStream(in)) {
                ZipEntry entry;
                while ((entry = zis.getNextEntry()) != null) {
                    long n = 0;
                    int r;
                    while ((r = zis.read(buf)) > 0) n += r;
                    System.out.println(path + " " + entry.getName() + " " + n);
                }
            }
        }
    }
}
