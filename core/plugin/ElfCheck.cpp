#include "plugin/ElfCheck.h"

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

namespace nas {

namespace {
#if defined(__x86_64__)
constexpr int kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr int kMachine = EM_AARCH64;
#else
constexpr int kMachine = -1;  // not checked
#endif
}  // namespace

std::string elfModuleProblem(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "cannot be read";
  const auto size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  Elf64_Ehdr eh{};
  if (size < sizeof eh || !in.read(reinterpret_cast<char*>(&eh), sizeof eh)) return "not a shared library (too short)";
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return "not a shared library (no ELF header)";
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) return "not a 64-bit shared library";
  if (eh.e_type != ET_DYN) return "an ELF file, but not a shared library";
  if (kMachine >= 0 && eh.e_machine != kMachine) return "a shared library for another processor";
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0) return "a shared library without program headers";
  const std::uint64_t phEnd = eh.e_phoff + std::uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
  if (eh.e_phoff > size || phEnd > size) return "truncated: its program headers lie past the end of the file";
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  in.seekg(static_cast<std::streamoff>(eh.e_phoff));
  if (!in.read(reinterpret_cast<char*>(ph.data()), static_cast<std::streamsize>(ph.size() * sizeof(Elf64_Phdr))))
    return "truncated: its program headers cannot be read";
  for (const auto& p : ph) {
    if (p.p_type != PT_LOAD && p.p_type != PT_DYNAMIC) continue;
    if (p.p_offset > size || p.p_filesz > size - p.p_offset)
      return "truncated: " + std::to_string(size) + " bytes, but its segments need " +
             std::to_string(p.p_offset + p.p_filesz) + " (an interrupted copy?)";
  }
  return "";
}

}  // namespace nas
