# Top-level await works as in Jupyter: the server drives it with the contract's sleeping loop, the panel with
# Pyodide's event loop.
import asyncio


async def total(values):
    await asyncio.sleep(0.01)
    return sum(values)


await asyncio.sleep(0.1)
print("slept")
result = await total([1, 2, 3])
print("total", result)
await total([4, 5])
