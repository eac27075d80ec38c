// No database at all: workerd's own start-up, subtracted from the others' cold starts.
export default {
  async fetch(): Promise<Response> {
    return new Response('ok');
  },
};
