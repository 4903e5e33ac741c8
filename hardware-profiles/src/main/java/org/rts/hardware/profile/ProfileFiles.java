package org.rts.hardware.profile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.rts.hardware.Button;
import org.rts.hardware.Indicator;

/**
 * Reads profile files: {@code key = value} lines, {@code #} comments. Keys: {@code board} (pi5, pi4, pi-zero-2w,
 * simulated), {@code display} ({@code ssd1306 BUS ADDRESS}, {@code hd44780-pcf8574 BUS ADDRESS}, {@code terminal}),
 * {@code battery} ({@code max17040}, {@code ina219-2cell}, {@code ina219-1cell}, {@code pisugar3} with BUS ADDRESS;
 * {@code simulated}), {@code button.<transmit|confirm|cancel|up|down|next> = gpio N}, {@code led.<power|online|
 * pending|error> = gpio N}, {@code buzzer}, {@code tamper}, {@code mains} ({@code gpio N}). An unknown key or part, a
 * pin or address used twice, a pin outside 0..27 or an address outside 0x08..0x77 is refused naming the file and
 * line.
 */
public final class ProfileFiles {
    /** The profiles shipped with the agent, by name. */
    public static final List<String> BUILT_IN = List.of("pi5-x1200-oled", "pi4-waveshare-lcd", "pizero2w-pisugar3-oled",
            "simulated");
    private static final Set<String> BOARDS = Set.of("pi5", "pi4", "pi-zero-2w", "simulated");
    private static final Set<String> DISPLAYS = Set.of("ssd1306", "hd44780-pcf8574", "terminal");
    private static final Set<String> BATTERIES = Set.of("max17040", "ina219-2cell", "ina219-1cell", "pisugar3",
            "simulated");
    private static final Set<String> NO_BUS = Set.of("terminal", "simulated");

    private ProfileFiles() {
    }

    /** A built-in profile by name, or a profile file by path. */
    public static Profile load(String nameOrPath) {
        if (BUILT_IN.contains(nameOrPath)) {
            String resource = "/org/rts/hardware/profiles/" + nameOrPath + ".profile";
            try (InputStream in = ProfileFiles.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new ProfileException(resource + " is missing from the agent");
                }
                return parse(nameOrPath, new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList(),
                        nameOrPath + ".profile");
            } catch (IOException e) {
                throw new ProfileException("cannot read " + resource + ": " + e.getMessage());
            }
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new ProfileException("hardware profile '" + nameOrPath + "' is neither a built-in profile "
                    + BUILT_IN + " nor a profile file");
        }
        try {
            String name = file.getFileName().toString().replaceFirst("\\.profile$", "");
            return parse(name, Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new ProfileException("cannot read hardware profile " + file + ": " + e.getMessage());
        }
    }

    /** Parses the lines of a profile; {@code source} names it in errors. */
    public static Profile parse(String name, List<String> lines, String source) {
        String board = null;
        Profile.Part display = null;
        Profile.Part battery = null;
        Map<Button, Integer> buttons = new EnumMap<>(Button.class);
        Map<Indicator, Integer> indicators = new EnumMap<>(Indicator.class);
        Integer buzzer = null;
        Integer tamper = null;
        Integer mains = null;
        Profile.PrinterPart printer = null;
        Profile.CameraPart camera = null;
        Map<Integer, String> pins = new HashMap<>();
        Map<String, String> addresses = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw error(source, lineNo, "expected 'key = value', found: " + line);
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(eq + 1).strip();
            Integer first = seen.putIfAbsent(key, lineNo);
            if (first != null) {
                throw error(source, lineNo, key + " is given twice (first on line " + first + ")");
            }
            String[] words = value.split("\\s+");
            switch (key) {
                case "board" -> {
                    if (!BOARDS.contains(value)) {
                        throw error(source, lineNo, "unknown board '" + value + "'; known: " + BOARDS);
                    }
                    board = value;
                }
                case "display" -> display = part(source, lineNo, key, words, DISPLAYS, addresses);
                case "battery" -> battery = part(source, lineNo, key, words, BATTERIES, addresses);
                case "buzzer" -> buzzer = pin(source, lineNo, key, words, pins);
                case "tamper" -> tamper = pin(source, lineNo, key, words, pins);
                case "mains" -> mains = pin(source, lineNo, key, words, pins);
                case "printer" -> printer = printer(source, lineNo, words);
                case "camera" -> camera = camera(source, lineNo, words);
                default -> {
                    if (key.startsWith("button.")) {
                        buttons.put(named(Button.class, key, source, lineNo), pin(source, lineNo, key, words, pins));
                    } else if (key.startsWith("led.")) {
                        indicators.put(named(Indicator.class, key, source, lineNo), pin(source, lineNo, key, words,
                                pins));
                    } else {
                        throw error(source, lineNo, "unknown key '" + key + "'");
                    }
                }
            }
        }
        if (board == null || display == null || battery == null) {
            throw new ProfileException(source + ": board, display and battery are required");
        }
        if (!board.equals("simulated")) {
            for (Button b : List.of(Button.TRANSMIT, Button.CONFIRM, Button.CANCEL, Button.NEXT)) {
                if (!buttons.containsKey(b)) {
                    throw new ProfileException(source + ": button." + b.name().toLowerCase(Locale.ROOT)
                            + " is required");
                }
            }
        }
        if (printer != null && printer.kind().equals("png") != board.equals("simulated")) {
            throw new ProfileException(source + ": printer = png is for the simulated board only; a board prints "
                    + "with 'printer = escpos /dev/usb/lp0'");
        }
        if (camera != null && camera.kind().equals("simulated") != board.equals("simulated")) {
            throw new ProfileException(source + ": camera = simulated is for the simulated board only; a board names"
                    + " 'camera = rpicam' or 'camera = uvc /dev/video0'");
        }
        return new Profile(name, board, display, battery, buttons, indicators, buzzer, tamper, mains, printer,
                camera);
    }

    private static Profile.CameraPart camera(String source, int lineNo, String[] words) {
        if (words.length == 1 && (words[0].equals("rpicam") || words[0].equals("simulated"))) {
            return new Profile.CameraPart(words[0], null);
        }
        if (words.length == 2 && words[0].equals("uvc") && words[1].startsWith("/dev/")) {
            return new Profile.CameraPart("uvc", words[1]);
        }
        throw error(source, lineNo, "camera must be 'rpicam' (a Raspberry Pi camera), 'uvc /dev/videoN' (a USB "
                + "camera) or 'simulated', found: " + String.join(" ", words));
    }

    private static Profile.PrinterPart printer(String source, int lineNo, String[] words) {
        if (words.length == 1 && words[0].equals("png")) {
            return new Profile.PrinterPart("png", null);
        }
        if (words.length == 2 && words[0].equals("escpos") && words[1].startsWith("/dev/")) {
            return new Profile.PrinterPart("escpos", words[1]);
        }
        throw error(source, lineNo, "printer must be 'escpos /dev/...' (a 58 mm ESC/POS printer on USB or serial) "
                + "or 'png' (simulated), found: " + String.join(" ", words));
    }

    private static <E extends Enum<E>> E named(Class<E> type, String key, String source, int lineNo) {
        String name = key.substring(key.indexOf('.') + 1).toUpperCase(Locale.ROOT);
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw error(source, lineNo, "unknown " + key.substring(0, key.indexOf('.')) + " '" + name.toLowerCase(
                    Locale.ROOT) + "'; known: " + List.of(type.getEnumConstants()).toString().toLowerCase(Locale.ROOT));
        }
    }

    private static Profile.Part part(String source, int lineNo, String key, String[] words, Set<String> kinds,
                                     Map<String, String> addresses) {
        String kind = words[0];
        if (!kinds.contains(kind)) {
            throw error(source, lineNo, "unknown " + key + " part '" + kind + "'; known: " + kinds);
        }
        if (NO_BUS.contains(kind)) {
            if (words.length != 1) {
                throw error(source, lineNo, kind + " takes no bus or address");
            }
            return new Profile.Part(kind, -1, -1);
        }
        if (words.length != 3) {
            throw error(source, lineNo, key + " = " + kind + " needs an I2C bus and address, e.g. '" + kind
                    + " 1 0x3c'");
        }
        int bus = number(source, lineNo, words[1], "I2C bus");
        int address = number(source, lineNo, words[2], "I2C address");
        if (bus < 0 || bus > 22) {
            throw error(source, lineNo, "I2C bus must be 0..22, found: " + bus);
        }
        if (address < 0x08 || address > 0x77) {
            throw error(source, lineNo, "I2C address must be 0x08..0x77 (7-bit, not reserved), found: 0x"
                    + Integer.toHexString(address));
        }
        String where = bus + "/0x" + Integer.toHexString(address);
        String before = addresses.put(where, key + " (line " + lineNo + ")");
        if (before != null) {
            throw error(source, lineNo, "I2C bus " + bus + " address 0x" + Integer.toHexString(address)
                    + " is already used by " + before);
        }
        return new Profile.Part(kind, bus, address);
    }

    private static int pin(String source, int lineNo, String key, String[] words, Map<Integer, String> pins) {
        if (words.length != 2 || !words[0].equals("gpio")) {
            throw error(source, lineNo, key + " must be 'gpio N', found: " + String.join(" ", words));
        }
        int pin = number(source, lineNo, words[1], "GPIO");
        if (pin < 0 || pin > 27) {
            throw error(source, lineNo, "GPIO must be 0..27 (BCM numbering on the 40-pin header), found: " + pin);
        }
        String before = pins.put(pin, key + " (line " + lineNo + ")");
        if (before != null) {
            throw error(source, lineNo, "GPIO " + pin + " is already used by " + before);
        }
        return pin;
    }

    private static int number(String source, int lineNo, String text, String what) {
        try {
            return text.startsWith("0x") ? Integer.parseInt(text.substring(2), 16) : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw error(source, lineNo, what + " is not a number: " + text);
        }
    }

    private static ProfileException error(String source, int lineNo, String message) {
        return new ProfileException(source + ":" + lineNo + ": " + message);
    }

}
